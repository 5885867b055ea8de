package io.katd.jepsen.sim;

import com.google.protobuf.ByteString;
import io.katd.jepsen.sim.Coverage.Counter;
import io.katd.kv.mvcc.InMemoryBackend;
import io.katd.kv.mvcc.MvccStore;
import io.katd.kv.mvcc.RangeRequest;
import io.katd.kv.sm.KvStateMachine;
import io.katd.kv.watch.WatchConfig;
import io.katd.proto.etcd.mvccpb.KeyValue;
import io.katd.proto.kv.KvCommand;
import io.katd.proto.kv.KvResult;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.EntryType;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.MemoryStorage;
import io.katd.raft.RawNode;
import io.katd.raft.ReadState;
import io.katd.raft.Ready;
import io.katd.raft.SoftState;
import io.katd.raft.StateType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One simulated katd process: the real {@link RawNode} over a {@link MemoryStorage} that
 * {@link SimDisk} makes durable, and the real {@link KvStateMachine} over an in-memory
 * backend. Each Ready is handled by the runtime's contract: persist (sync when mustSync),
 * send, apply, advance. The KV state is not durable (the raft log is the durable record): a
 * restart restores the latest snapshot and replays the log.
 *
 * <p>A proposal's entry carries an 8-byte request id ahead of the KvCommand, so that the
 * node that proposed it can answer its client when it applies.
 */
final class SimNode {
  enum Status { UP, DOWN, REFUSED }

  /** Where an armed crash strikes: at an I/O boundary of the next Ready that has one. */
  enum CrashPoint { BEFORE_SYNC, AFTER_SYNC, MID_SNAPSHOT }

  /** A linearizable read waiting for its ReadState and then for the apply to catch up. */
  private static final class PendingRead {
    final String ctx;
    final Consumer<Long> onIndex;
    long index = -1;

    PendingRead(String ctx, Consumer<Long> onIndex) {
      this.ctx = ctx;
      this.onIndex = onIndex;
    }
  }

  final long id;
  private final Simulation sim;
  final SimDisk disk = new SimDisk();
  final NodeClock clock;
  private final SplittableRandom random;
  Status status = Status.UP;
  boolean paused;
  // A slow disk: each sync that the Ready needs keeps the process blocked this long.
  long slowSyncMicros;
  // Blocked in a slow sync: the Ready is written, its messages and applies wait.
  private boolean blockedInSync;
  int incarnation;
  CrashPoint crashPoint;
  boolean tearOnCrash;
  boolean corruptionInjected;
  boolean wipeInjected;
  String refusal = "";
  private MemoryStorage storage;
  RawNode raw;
  KvStateMachine sm;
  private final List<Runnable> inbox = new ArrayList<>();
  private final TreeMap<Long, Consumer<KvResult>> proposals = new TreeMap<>();
  private final List<PendingRead> reads = new ArrayList<>();
  // READ_TOKEN_REUSE canary: the last read index confirmed for each token.
  private final Map<String, Long> confirmedByToken = new TreeMap<>();
  private final TreeMap<String, KeyValue> lastState = new TreeMap<>();
  private long lastRevision;
  private HardState hs = HardState.getDefaultInstance();
  // What the disk is known to hold after the last sync: replies may promise no more.
  private HardState durableHs = HardState.getDefaultInstance();
  private long durableLastIndex;
  StateType role = StateType.FOLLOWER;
  long lead;
  private long leaderSince = -1;
  private boolean processing;
  // The configuration as of the applied index: what a snapshot taken now must record.
  ConfState confState = ConfState.getDefaultInstance();
  // A membership change was applied: snapshot at once, as katd's RaftLoop does, so that the
  // newest snapshot (the one a new member is caught up with) lists every member.
  private boolean snapshotDue;

  SimNode(long id, Simulation sim, NodeClock clock, SplittableRandom random) {
    this.id = id;
    this.sim = sim;
    this.clock = clock;
    this.random = random;
  }

  boolean isUp() {
    return status == Status.UP;
  }

  boolean canRun() {
    return status == Status.UP && !paused && !blockedInSync;
  }

  boolean isLeader() {
    return canRun() && role == StateType.LEADER;
  }

  /**
   * A founding member's disk, as {@code katd init} leaves it: the member identity and the
   * bootstrap marker, and the genesis snapshot at index 1 with every voter.
   */
  void format(ConfState voters) {
    MemoryStorage genesis = new MemoryStorage();
    Snapshot snap = Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder()
        .setIndex(1).setTerm(1).setConfState(voters)).build();
    genesis.applySnapshot(snap);
    try {
      disk.writeIdentity(id);
      disk.saveSnapshotFile(snap, true);
      disk.checkpoint(genesis, HardState.newBuilder().setTerm(1).setCommit(1).build());
    } catch (SimDisk.NoSpaceException e) {
      throw new IllegalStateException("node " + id + ": a full disk before it was formatted");
    }
  }

  /** A joining member's disk, as {@code katd join} leaves it: the identity only. */
  void prepareToJoin() {
    try {
      disk.writeJoinerIdentity(id);
    } catch (SimDisk.NoSpaceException e) {
      throw new IllegalStateException("node " + id + ": a full disk before it joined");
    }
  }

  /** Starts a process from what the disk holds; false if it refuses to start. */
  boolean start() {
    incarnation++;
    String wiped = disk.wipeEvidence();
    if (wiped != null) {
      if (sim.scenario.canary() != SimCanary.WIPED_NODE_REJOINS) {
        refuse(WIPED_DIR_DETECTED + wiped);
        return false;
      }
      // The planted bug: the blank node is formatted anew and rejoins as a voter.
      format(sim.voters());
    }
    SimDisk.Recovered rec;
    try {
      rec = disk.recover();
    } catch (SimDisk.CorruptionException e) {
      refuse("corrupt disk: " + e.getMessage());
      return false;
    }
    if (rec.tornTailDropped()) {
      sim.coverage.add(Counter.TORN_WRITES);
    }
    storage = rec.storage();
    confState = storage.snapshot().getMetadata().getConfState();
    snapshotDue = false;
    hs = storage.hardState();
    // What the disk held at the last sync survives a crash: term and commit never go down.
    if (hs.getTerm() < durableHs.getTerm() || hs.getCommit() < durableHs.getCommit()) {
      sim.onViolation("monotonicity", "node " + id + " restarted at term " + hs.getTerm()
          + " commit " + hs.getCommit() + " though its disk held term " + durableHs.getTerm()
          + " commit " + durableHs.getCommit() + " before");
    }
    disk.deleteSnapshotFilesExcept(storage.snapshot().getMetadata());
    durableHs = hs;
    durableLastIndex = storage.lastIndex();
    try {
      sm = new KvStateMachine(id, MvccStore.open(new InMemoryBackend()), sim.scratchDir,
          clock::nanos, WatchConfig.defaults(), this::runLater, this::runLater);
      Snapshot snap = storage.snapshot();
      sm.restore(snap.getMetadata().getIndex(), snap.getData());
      raw = new RawNode(sim.raftConfig(id, sm.appliedIndex()), storage);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      refuse("cannot start from its disk: " + e.getMessage());
      return false;
    }
    status = Status.UP;
    paused = false;
    role = StateType.FOLLOWER;
    lead = 0;
    leaderSince = -1;
    refreshState();
    sim.recorder.trace("start " + id + " " + incarnation + " " + hs.getTerm() + " "
        + hs.getCommit() + " " + sm.appliedIndex());
    return true;
  }

  /** How a refusal to start on a wiped data dir begins. */
  static final String WIPED_DIR_DETECTED = "wiped data dir detected: ";

  private void refuse(String why) {
    status = Status.REFUSED;
    refusal = why;
    raw = null;
    sm = null;
    sim.onRefused(this, why);
  }

  /** Runs a task on this process later, unless it died meanwhile; held while paused. */
  void runLater(Runnable task) {
    int inc = incarnation;
    sim.loop.after(0, () -> onNode(inc, task));
  }

  void onNode(int inc, Runnable task) {
    if (inc != incarnation || status != Status.UP) {
      return;
    }
    if (paused || blockedInSync) {
      inbox.add(task);
      return;
    }
    guarded(() -> {
      task.run();
      process();
    });
  }

  /**
   * Runs on this process; a fatal error (raft-core's fail-stop on an impossible log, say)
   * stops the process as it would stop katd, and the simulation records it.
   */
  void guarded(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      sim.onFatal(this, e);
    }
  }

  void resume() {
    paused = false;
    runHeld();
  }

  /** Runs what arrived while the process could not, in order, until it blocks again. */
  private void runHeld() {
    while (canRun() && !inbox.isEmpty()) {
      guarded(inbox.remove(0));
    }
    if (canRun()) {
      guarded(this::process);
    }
  }

  void tick() {
    raw.tick();
    if (role == StateType.LEADER) {
      for (long lease : sm.leaseExpiry().expired(4)) {
        propose(KvCommand.newBuilder().setLeaseRevoke(
            io.katd.proto.etcd.etcdserverpb.LeaseRevokeRequest.newBuilder().setID(lease))
            .build(), sim.expiryRequestId(), r -> { });
      }
    }
  }

  void step(Message m) {
    raw.step(m);
  }

  /** Proposes a command; the callback gets its result when this node applies it. */
  boolean propose(KvCommand cmd, long requestId, Consumer<KvResult> done) {
    ByteString data = ByteString.copyFrom(ByteBuffer.allocate(8).putLong(requestId).array())
        .concat(cmd.toByteString());
    if (!raw.propose(data)) {
      return false;
    }
    proposals.put(requestId, done);
    return true;
  }

  /**
   * A linearizable read: the callback gets the index the read may be served at, once this
   * node has applied up to it. Canaries serve it at once or reuse an old confirmation.
   */
  void readIndex(String ctx, String token, Consumer<Long> onIndex) {
    if (sim.scenario.canary() == SimCanary.LOCAL_READS) {
      onIndex.accept(sm.appliedIndex());
      return;
    }
    if (sim.scenario.canary() == SimCanary.READ_TOKEN_REUSE) {
      Long old = confirmedByToken.get(token);
      if (old != null) {
        onIndex.accept(old);
        return;
      }
      ctx = token;
    }
    reads.add(new PendingRead(ctx, onIndex));
    raw.readIndex(ByteString.copyFromUtf8(ctx));
  }

  /** Handles every Ready there is, by the contract. */
  void process() {
    if (processing) {
      return;
    }
    processing = true;
    try {
      while (canRun() && raw.hasReady()) {
        Ready rd = raw.ready();
        observeRole(rd);
        if (!persist(rd)) {
          return;
        }
        if (slowSyncMicros > 0 && rd.mustSync()) {
          blockInSync(rd);
          return;
        }
        finish(rd);
      }
      serveReads();
    } finally {
      processing = false;
    }
  }

  /** Sends a persisted Ready's messages, applies its committed entries and advances. */
  private void finish(Ready rd) {
    for (Message m : rd.messages()) {
      observeReply(m);
      sim.network.send(m);
    }
    apply(rd);
    raw.advance(rd);
    maybeCompact();
  }

  /**
   * The sync returns only after the slow disk's delay: until then the process does nothing
   * else (no ticks, no messages, no client requests), as a thread stuck in fsync would.
   * The Ready is durable already; a crash meanwhile loses nothing it promised.
   */
  private void blockInSync(Ready rd) {
    blockedInSync = true;
    sim.coverage.add(Counter.SLOW_SYNCS);
    int inc = incarnation;
    sim.loop.after(slowSyncMicros, () -> {
      if (inc != incarnation || status != Status.UP) {
        return;
      }
      blockedInSync = false;
      if (paused) {
        inbox.add(0, () -> finish(rd)); // Stopped meanwhile: finishes first on SIGCONT.
        return;
      }
      guarded(() -> {
        processing = true; // As in process(): no Ready handling nested in this one.
        try {
          finish(rd);
        } finally {
          processing = false;
        }
      });
      runHeld();
    });
  }

  private void observeRole(Ready rd) {
    HardState next = rd.hardState().orElse(hs);
    if (next.getTerm() < hs.getTerm() || next.getCommit() < hs.getCommit()) {
      sim.onViolation("monotonicity", "node " + id + " went from term " + hs.getTerm()
          + " commit " + hs.getCommit() + " to term " + next.getTerm() + " commit "
          + next.getCommit() + " within one incarnation");
    }
    if (rd.softState().isEmpty()) {
      return;
    }
    SoftState ss = rd.softState().get();
    StateType was = role;
    role = ss.raftState();
    lead = ss.lead();
    if (role == StateType.CANDIDATE && was != StateType.CANDIDATE) {
      sim.coverage.add(Counter.ELECTIONS);
    }
    if (role == StateType.LEADER && was != StateType.LEADER) {
      leaderSince = -1;
      sm.promoteLeaseExpiry();
      sim.onLeader(this, next.getTerm());
    } else if (was == StateType.LEADER && role != StateType.LEADER) {
      sm.demoteLeaseExpiry();
    }
  }

  private boolean persist(Ready rd) {
    try {
      if (!write(rd)) {
        return false;
      }
    } catch (SimDisk.NoSpaceException e) {
      return stopOnFullDisk();
    }
    if (crashPoint == CrashPoint.BEFORE_SYNC && disk.hasUnsynced()) {
      sim.crash(this, "crash between write and fsync");
      return false;
    }
    if (rd.mustSync() && !skipSyncForCanary(rd) && !sync()) {
      return false;
    }
    if (crashPoint == CrashPoint.AFTER_SYNC && rd.mustSync()) {
      sim.crash(this, "crash between fsync and send");
      return false;
    }
    return true;
  }

  /** Writes a Ready's snapshot, entries and hard state as one batch, not yet synced. */
  private boolean write(Ready rd) throws SimDisk.NoSpaceException {
    if (rd.snapshot().isPresent() && !persistSnapshot(rd.snapshot().get())) {
      return false;
    }
    for (Entry e : rd.entries()) {
      if (e.getIndex() <= storage.lastIndex() && e.getIndex() >= storage.firstIndex()
          && storage.term(e.getIndex()) != e.getTerm()) {
        sim.coverage.add(Counter.UNCOMMITTED_TRUNCATIONS);
      }
      disk.write(SimDisk.Kind.ENTRY, e.toByteArray());
    }
    storage.append(rd.entries());
    if (rd.hardState().isPresent()) {
      hs = rd.hardState().get();
      disk.write(SimDisk.Kind.HARD_STATE, hs.toByteArray());
      storage.setHardState(hs);
    }
    disk.endBatch();
    return true;
  }

  private boolean skipSyncForCanary(Ready rd) {
    return switch (sim.scenario.canary()) {
      case ACK_BEFORE_FSYNC -> !rd.entries().isEmpty();
      case VOTE_NOT_PERSISTED -> rd.entries().isEmpty();
      default -> false;
    };
  }

  private boolean sync() {
    try {
      disk.sync();
      durableHs = hs;
      durableLastIndex = storage.lastIndex();
      return true;
    } catch (SimDisk.FsyncException e) {
      sim.coverage.add(Counter.FSYNC_STOPS);
      sim.crash(this, "fsync failed: the node stops");
      return false;
    } catch (SimDisk.NoSpaceException e) {
      return stopOnFullDisk();
    }
  }

  /** A full disk: the node stops (fail-stop), as on an fsync error; always false. */
  private boolean stopOnFullDisk() {
    sim.coverage.add(Counter.DISK_FULL_STOPS);
    sim.crash(this, "no space left on device: the node stops");
    return false;
  }

  private boolean persistSnapshot(Snapshot s) throws SimDisk.NoSpaceException {
    if (sim.scenario.canary() == SimCanary.NONATOMIC_SNAPSHOT_INSTALL) {
      // The planted bug: the old log is truncated durably on its own, before the snapshot.
      disk.write(SimDisk.Kind.RESET, new byte[0]);
      disk.endBatch();
      if (!sync()) {
        return false;
      }
      if (crashPoint == CrashPoint.MID_SNAPSHOT) {
        sim.crash(this, "crash in the middle of a snapshot install");
        return false;
      }
    }
    // The file first, durably; only then the log record that refers to it.
    disk.saveSnapshotFile(s, fsyncsDirectory());
    disk.writeSnapshotRecord(s.getMetadata());
    storage.applySnapshot(s);
    if (crashPoint == CrashPoint.MID_SNAPSHOT) {
      sim.crash(this, "crash in the middle of a snapshot install");
      return false;
    }
    return true;
  }

  /** Checks that a reply promises only what is durable (VERIFY.md 1, item 6). */
  private void observeReply(Message m) {
    if (m.getType() == MessageType.MsgVoteResp && !m.getReject()) {
      sim.onVoteGranted(id, m.getTerm(), m.getTo());
      // A later durable term also covers it: the node can never vote in that term again.
      if (durableHs.getTerm() < m.getTerm() || durableHs.getTerm() == m.getTerm()
          && durableHs.getVote() != m.getTo()) {
        sim.onViolation("reply-durability", "node " + id + " granted its vote in term "
            + m.getTerm() + " to " + m.getTo() + " while its disk holds term "
            + durableHs.getTerm() + " vote " + durableHs.getVote());
      }
    } else if (m.getType() == MessageType.MsgAppResp && !m.getReject()
        && m.getIndex() > durableLastIndex) {
      sim.onViolation("reply-durability", "node " + id + " acknowledged index "
          + m.getIndex() + " while its disk holds entries up to " + durableLastIndex);
    }
  }

  private void apply(Ready rd) {
    if (rd.snapshot().isPresent()) {
      Snapshot s = rd.snapshot().get();
      checkAppliedGrows(s.getMetadata().getIndex());
      sm.restore(s.getMetadata().getIndex(), s.getData());
      confState = s.getMetadata().getConfState();
      sim.coverage.add(Counter.SNAPSHOTS_INSTALLED);
      sim.membership.onSnapshotInstalled(this);
      refreshState();
    }
    for (Entry e : rd.committedEntries()) {
      checkAppliedGrows(e.getIndex());
      applyEntry(e);
    }
    for (ReadState rs : rd.readStates()) {
      String ctx = rs.requestCtx().toStringUtf8();
      confirmedByToken.put(ctx, rs.index());
      for (PendingRead r : reads) {
        if (r.ctx.equals(ctx) && r.index < 0) {
          r.index = rs.index();
        }
      }
    }
  }

  /** Within one incarnation the applied index only grows (the KV state is rebuilt on restart). */
  private void checkAppliedGrows(long index) {
    if (index <= sm.appliedIndex()) {
      sim.onViolation("monotonicity", "node " + id + " applied index " + index + " after "
          + sm.appliedIndex() + " within one incarnation");
    }
  }

  private void applyEntry(Entry e) {
    if (Membership.isConfChange(e)) {
      ConfState before = confState;
      ConfChangeV2 cc = Membership.confChange(e);
      confState = raw.applyConfChange(cc);
      snapshotDue = true;
      sm.markApplied(e.getIndex());
      noteLeaderEntry(e);
      sim.onEntryApplied(this, e);
      sim.membership.onApplied(this, e, cc, before, confState);
      return;
    }
    if (e.getType() != EntryType.EntryNormal || e.getData().size() < 8) {
      sm.markApplied(e.getIndex());
      noteLeaderEntry(e);
      sim.onEntryApplied(this, e);
      return;
    }
    long requestId = e.getData().asReadOnlyByteBuffer().getLong();
    ByteString cmd = e.getData().substring(8);
    KvResult result = sm.apply(e.getIndex(), e.getTerm(), cmd);
    noteLeaderEntry(e);
    sim.onEntryApplied(this, e);
    sim.onCommandApplied(this, e, requestId, cmd, result);
    if (sm.currentRevision() != lastRevision) {
      diffState();
    }
    Consumer<KvResult> done = proposals.remove(requestId);
    if (done != null) {
      done.accept(result);
    }
  }

  private void noteLeaderEntry(Entry e) {
    if (role == StateType.LEADER && e.getTerm() == hs.getTerm() && leaderSince < 0) {
      leaderSince = e.getIndex();
    }
  }

  /** The term this node leads in, once it has applied an entry of that term; else 0. */
  long establishedLeaderTerm() {
    return isLeader() && leaderSince >= 0 ? hs.getTerm() : 0;
  }

  long term() {
    return hs.getTerm();
  }

  /** The index of the snapshot the log starts from. */
  long snapshotIndex() {
    return storage.snapshot().getMetadata().getIndex();
  }

  /** Where this node's log holds the entry proposed with {@code requestId}; -1 if nowhere. */
  long indexOfRequest(long requestId) {
    for (long i = storage.lastIndex(); i >= storage.firstIndex(); i--) {
      ByteString data = storage.entries(i, i + 1, Long.MAX_VALUE).get(0).getData();
      if (data.size() >= 8 && data.asReadOnlyByteBuffer().getLong() == requestId) {
        return i;
      }
    }
    return -1;
  }

  long commit() {
    return hs.getCommit();
  }

  private void serveReads() {
    for (Iterator<PendingRead> it = reads.iterator(); it.hasNext(); ) {
      PendingRead r = it.next();
      if (r.index >= 0 && sm.appliedIndex() >= r.index) {
        it.remove();
        r.onIndex.accept(r.index);
      }
    }
  }

  /** The new revision's events, from the difference between two full reads. */
  private void diffState() {
    TreeMap<String, KeyValue> now = readAll();
    long rev = sm.currentRevision();
    List<io.katd.jepsen.check.KvEvent> events = new ArrayList<>();
    TreeMap<String, KeyValue> union = new TreeMap<>(lastState);
    union.putAll(now);
    for (String key : union.keySet()) {
      KeyValue after = now.get(key);
      if (after != null && after.getModRevision() == rev) {
        events.add(io.katd.jepsen.check.KvEvent.put(key, after.getValue().toStringUtf8(), rev,
            after.getCreateRevision(), after.getVersion()));
      } else if (after == null) {
        events.add(io.katd.jepsen.check.KvEvent.delete(key, rev));
      }
    }
    if (rev != lastRevision + 1) {
      sim.onViolation("revision", "node " + id + " went from revision " + lastRevision
          + " to " + rev + " in one write");
    }
    sim.onRevision(this, rev, events);
    lastState.clear();
    lastState.putAll(now);
    lastRevision = rev;
  }

  private void refreshState() {
    lastState.clear();
    lastState.putAll(readAll());
    lastRevision = sm.currentRevision();
  }

  TreeMap<String, KeyValue> readAll() {
    try {
      TreeMap<String, KeyValue> out = new TreeMap<>();
      for (KeyValue kv : sm.range(RangeRequest.prefix(ByteString.EMPTY)).kvs()) {
        out.put(kv.getKey().toStringUtf8(), kv);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A serializable read of one key from the local applied state: "" when absent. */
  String readLocal(String key) {
    KeyValue kv = readAll().get(key);
    return kv == null ? "" : kv.getValue().toStringUtf8();
  }

  /** A hash of the whole applied state and its revision. */
  long stateHash() {
    long h = sm.currentRevision();
    for (KeyValue kv : readAll().values()) {
      h = h * 31 + kv.toByteString().hashCode();
    }
    return h;
  }

  private void maybeCompact() {
    long applied = sm.appliedIndex();
    long base = storage.snapshot().getMetadata().getIndex();
    if (!snapshotDue && applied - base < sim.scenario.snapshotEvery()
        || applied <= base || applied > storage.lastIndex()) {
      return;
    }
    snapshotDue = false;
    // The snapshot must not be ahead of what the disk holds: sync first.
    if (!sync()) {
      return;
    }
    Snapshot snap = storage.createSnapshot(applied, confState, sm.snapshot());
    long keep = Math.min(applied, Math.max(storage.firstIndex(), applied - 2));
    if (keep >= storage.firstIndex()) {
      storage.compact(keep);
    }
    try {
      disk.saveSnapshotFile(snap, fsyncsDirectory());
      disk.checkpoint(storage, hs);
    } catch (SimDisk.NoSpaceException e) {
      stopOnFullDisk();
      return;
    }
    disk.deleteSnapshotFilesExcept(snap.getMetadata());
    sim.coverage.add(Counter.LOG_COMPACTIONS);
  }

  /** Whether a saved snapshot file's new name is made durable; only a canary skips it. */
  private boolean fsyncsDirectory() {
    return sim.scenario.canary() != SimCanary.SKIP_DIRECTORY_FSYNC;
  }

  /** Kills the process: memory is gone, and unsynced writes possibly too. */
  SimDisk.Loss kill(double lossRate) {
    SimDisk.Loss loss = disk.crash(random, lossRate, tearOnCrash);
    if (disk.lostDirectoryChanges()) {
      sim.coverage.add(Counter.DIRECTORY_CHANGES_LOST);
    }
    tearOnCrash = false;
    crashPoint = null;
    if (sm != null) {
      sm.close();
    }
    sm = null;
    raw = null;
    status = Status.DOWN;
    paused = false;
    blockedInSync = false;
    slowSyncMicros = 0;
    inbox.clear();
    proposals.clear();
    reads.clear();
    confirmedByToken.clear();
    incarnation++;
    return loss;
  }
}
