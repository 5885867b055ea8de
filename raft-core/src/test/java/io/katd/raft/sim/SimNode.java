package io.katd.raft.sim;

import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.proto.raft.ConfChange;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.EntryType;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.Config;
import io.katd.raft.MemoryStorage;
import io.katd.raft.RawNode;
import io.katd.raft.ReadState;
import io.katd.raft.Ready;
import io.katd.raft.SoftState;
import io.katd.raft.StateType;
import java.util.random.RandomGenerator;

/**
 * One simulated node process: a RawNode over a MemoryStorage, its state machine, and a
 * {@link Disk} that decides what survives a crash. The MemoryStorage outlives the process
 * (it is the disk); the RawNode and everything in memory die with it.
 *
 * <p>Each Ready is processed strictly by the contract: persist (and sync when mustSync),
 * then send, then apply, then advance. A crash may be scheduled at any of those
 * boundaries.
 */
final class SimNode {
    enum Status { UP, DOWN, RETIRED }

    /** Where in the processing of the next Ready a scheduled crash strikes. */
    enum CrashPoint { BEFORE_PERSIST, AFTER_PERSIST, AFTER_SEND, AFTER_APPLY }

    /** What a node needs from the simulation around it. */
    interface Host {
        void emit(Event e);

        void send(Message m);

        /** The node applied the configuration {@code cs} at {@code index}. */
        void confApplied(long index, ConfState cs);

        void entryApplied(long node, Entry e);

        /** The highest index known to be committed anywhere. */
        long knownCommit();

        Config config(long node, long applied);

        long tick();
    }

    /**
     * How a node's disk and storage misbehave: its own random source, the chance that a
     * crash loses unsynced writes, the chance that no snapshot is ready to send, and
     * whether fsync works at all (false only for a canary).
     */
    record Params(RandomGenerator random, double lossRate, double snapshotUnavailable,
            boolean honoursSync) {}

    final long id;
    // The time unit within each tick at which this node's clock ticks.
    final int phase;
    final MemoryStorage storage;
    private final FlakyStorage view;
    private final Disk disk;
    private final RandomGenerator random;
    private final double lossRate;
    private final LogMirror log;
    RawNode raw;
    Status status = Status.UP;
    int incarnation;
    long pausedUntil;
    long restartAt;
    CrashPoint crashAt;
    long downtime;
    boolean dirty;
    private StateMachine sm;
    private HardState hs;
    private StateType role = StateType.FOLLOWER;
    private long roleTerm;
    private Event.NodeState lastState;

    private SimNode(long id, int phase, MemoryStorage storage, StateMachine sm, Params p) {
        this.id = id;
        this.phase = phase;
        this.storage = storage;
        this.view = new FlakyStorage(storage, p.random(), p.snapshotUnavailable());
        this.random = p.random();
        this.lossRate = p.lossRate();
        this.sm = sm;
        this.hs = storage.hardState();
        this.roleTerm = hs.getTerm();
        this.disk = new Disk(new Disk.Image(hs, sm), p.honoursSync());
        Snapshot snap = storage.snapshot();
        this.log = new LogMirror(snap.getMetadata().getIndex(), snap.getMetadata().getTerm(),
                sm.hash());
    }

    /**
     * A founding member: its storage holds the genesis snapshot at index 1 (term 1) with
     * the initial voters. Starting from index 1 rather than 0 means every log is compacted
     * below 2, so a node that joins later must receive a snapshot, which carries the
     * configuration, instead of replaying a log that never recorded the founding voters.
     */
    static SimNode founder(long id, ConfState voters, int phase, Params p) {
        StateMachine genesis = StateMachine.genesis(voters);
        MemoryStorage storage = new MemoryStorage();
        storage.applySnapshot(Snapshot.newBuilder().setData(genesis.encode())
                .setMetadata(SnapshotMetadata.newBuilder().setIndex(1).setTerm(1)
                        .setConfState(voters)).build());
        storage.setHardState(HardState.newBuilder().setTerm(1).setCommit(1).build());
        return new SimNode(id, phase, storage, genesis, p);
    }

    /** A node added at runtime: empty storage, no configuration until a snapshot. */
    static SimNode joiner(long id, int phase, Params p) {
        return new SimNode(id, phase, new MemoryStorage(), StateMachine.empty(), p);
    }

    boolean canRun(long tick) {
        return status == Status.UP && tick >= pausedUntil;
    }

    boolean isLeader() {
        return status == Status.UP && role == StateType.LEADER;
    }

    StateMachine stateMachine() {
        return sm;
    }

    /** The term as of the last Ready. */
    long term() {
        return hs.getTerm();
    }

    /** Starts the first incarnation, announcing what its storage starts with. */
    void begin(Host host) {
        SnapshotMetadata md = storage.snapshot().getMetadata();
        if (md.getIndex() > 0) {
            host.emit(new Event.SnapshotPersisted(id, md.getIndex(), md.getTerm(), sm.hash()));
        }
        start(host);
    }

    private void start(Host host) {
        raw = new RawNode(host.config(id, sm.applied()), view);
        host.emit(new Event.Restarted(id, incarnation, sm.applied(), sm.hash()));
        emitState(host);
    }

    /** Processes one Ready; false if the node crashed while doing so. */
    boolean process(Ready rd, Host host) {
        CrashPoint cp = crashAt;
        if (cp == CrashPoint.BEFORE_PERSIST) {
            crash(host);
            return false;
        }
        observeRole(rd, host);
        persist(rd, host);
        if (cp == CrashPoint.AFTER_PERSIST) {
            crash(host);
            return false;
        }
        for (Message m : rd.messages()) {
            observeReply(m, host);
            host.send(m);
        }
        if (cp == CrashPoint.AFTER_SEND) {
            crash(host);
            return false;
        }
        apply(rd, host);
        if (cp == CrashPoint.AFTER_APPLY) {
            crash(host);
            return false;
        }
        raw.advance(rd);
        emitState(host);
        return true;
    }

    private void observeRole(Ready rd, Host host) {
        StateType now = rd.softState().map(SoftState::raftState).orElse(role);
        long term = rd.hardState().map(HardState::getTerm).orElse(hs.getTerm());
        if (now != role || term != roleTerm) {
            role = now;
            roleTerm = term;
            host.emit(new Event.RoleChanged(id, term, now));
        }
    }

    private void persist(Ready rd, Host host) {
        HardState next = rd.hardState().orElse(hs);
        boolean termOrVote = next.getTerm() != hs.getTerm() || next.getVote() != hs.getVote();
        boolean durableData = !rd.entries().isEmpty() || rd.snapshot().isPresent() || termOrVote;
        host.emit(new Event.ReadyHandedOut(id, rd.mustSync(), !rd.entries().isEmpty(),
                rd.snapshot().isPresent(), termOrVote));
        rd.snapshot().ifPresent(s -> persistSnapshot(s, host));
        for (Entry e : rd.entries()) {
            if (e.getIndex() <= log.base()) {
                continue; // Below the snapshot: MemoryStorage drops these too.
            }
            long h = Hashes.chain(log.hashAt(e.getIndex() - 1), e);
            log.put(e.getIndex(), e.getTerm(), h);
            host.emit(new Event.EntryPersisted(id, e.getIndex(), e.getTerm(), h));
        }
        storage.append(rd.entries());
        storage.setHardState(next);
        if (durableData || rd.hardState().isPresent()) {
            disk.write(new Disk.Image(next, disk.written().stateMachine()), rd.mustSync());
        }
        if (next.getVote() != 0 && termOrVote) {
            host.emit(new Event.VoteRecorded(id, next.getTerm(), next.getVote()));
        }
        if (next.getCommit() != hs.getCommit()) {
            host.emit(new Event.Committed(id, next.getTerm(), next.getCommit(),
                    log.hashAt(next.getCommit())));
        }
        hs = next;
    }

    private void persistSnapshot(Snapshot s, Host host) {
        storage.applySnapshot(s);
        SnapshotMetadata md = s.getMetadata();
        long h = StateMachine.fromSnapshot(s).hash();
        log.resetTo(md.getIndex(), md.getTerm(), h);
        host.emit(new Event.SnapshotPersisted(id, md.getIndex(), md.getTerm(), h));
    }

    private void observeReply(Message m, Host host) {
        if (m.getReject()) {
            return;
        }
        if (m.getType() == MessageType.MsgVoteResp) {
            HardState d = disk.synced().hardState();
            host.emit(new Event.VoteGranted(id, m.getTerm(), m.getTo(), d.getTerm(),
                    d.getVote()));
        } else if (m.getType() == MessageType.MsgAppResp) {
            // The log is always synced before messages leave, so storage is durable here.
            host.emit(new Event.AppendAcked(id, m.getIndex(), storage.lastIndex()));
        }
    }

    private void apply(Ready rd, Host host) {
        StateMachine before = sm;
        rd.snapshot().ifPresent(s -> {
            sm = StateMachine.fromSnapshot(s);
            host.emit(new Event.SnapshotApplied(id, sm.applied(), sm.hash()));
            host.confApplied(sm.applied(), sm.confState());
        });
        for (Entry e : rd.committedEntries()) {
            sm = sm.apply(e);
            if (e.getType() == EntryType.EntryConfChange) {
                applied(e.getIndex(), raw.applyConfChange(parseV1(e)), host);
            } else if (e.getType() == EntryType.EntryConfChangeV2) {
                applied(e.getIndex(), raw.applyConfChange(parseV2(e)), host);
            }
            host.emit(new Event.Applied(id, e.getIndex(), sm.hash()));
            host.entryApplied(id, e);
        }
        if (sm != before) {
            disk.write(new Disk.Image(disk.written().hardState(), sm), false);
        }
        for (ReadState rs : rd.readStates()) {
            host.emit(new Event.ReadAnswered(id, rs.requestCtx().toStringUtf8(), rs.index(),
                    host.knownCommit()));
        }
    }

    private void applied(long index, ConfState cs, Host host) {
        sm = sm.withConf(cs);
        host.confApplied(index, cs);
    }

    private static ConfChange parseV1(Entry e) {
        try {
            return ConfChange.parseFrom(e.getData());
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException("corrupt conf change at " + e.getIndex(), ex);
        }
    }

    private static ConfChangeV2 parseV2(Entry e) {
        try {
            return ConfChangeV2.parseFrom(e.getData());
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException("corrupt conf change at " + e.getIndex(), ex);
        }
    }

    private void emitState(Host host) {
        Disk.Image d = disk.synced();
        Event.NodeState s = new Event.NodeState(id, incarnation, hs.getTerm(), hs.getCommit(),
                sm.applied(), d.hardState().getTerm(), d.hardState().getCommit(),
                d.stateMachine().applied());
        if (!s.equals(lastState)) {
            lastState = s;
            host.emit(s);
        }
    }

    /** Kills the process: memory is lost, and unsynced writes possibly too. */
    void crash(Host host) {
        boolean lost = disk.crash(random, lossRate);
        raw = null;
        status = Status.DOWN;
        crashAt = null;
        dirty = false;
        restartAt = host.tick() + downtime;
        host.emit(new Event.Stopped(id, false, lost));
    }

    /** Shuts the process down for good after its removal from the cluster. */
    void retire(Host host) {
        raw = null;
        status = Status.RETIRED;
        crashAt = null;
        dirty = false;
        host.emit(new Event.Stopped(id, true, false));
    }

    /**
     * The operator added a retired node back (membership changes race with what the
     * operator knows): its process starts again, from its old disk, at {@code tick}.
     */
    void revive(long tick) {
        status = Status.DOWN;
        restartAt = tick;
    }

    /** Starts a new incarnation from what the disk kept. */
    void restart(Host host) {
        Disk.Image d = disk.synced();
        storage.setHardState(d.hardState());
        StateMachine s = d.stateMachine();
        Snapshot snap = storage.snapshot();
        long snapIndex = snap.getMetadata().getIndex();
        if (s.applied() < snapIndex) {
            // The snapshot was installed but the state machine write was lost: recover
            // the state machine from the snapshot, as a real store would.
            s = StateMachine.fromSnapshot(snap);
        } else if (s.applied() > snapIndex
                && !s.confState().equals(snap.getMetadata().getConfState())) {
            // Entries up to the applied index are not delivered again, so the membership
            // changes among them must come from storage: checkpoint first.
            snapshotAndCompact(s, s.applied(), host);
        }
        sm = s;
        hs = d.hardState();
        disk.reset(new Disk.Image(hs, sm));
        incarnation++;
        status = Status.UP;
        role = StateType.FOLLOWER;
        roleTerm = hs.getTerm();
        start(host);
    }

    /**
     * Whether a log compaction is due: enough applied since the last snapshot, or the
     * configuration changed since (a joining node needs a snapshot that includes it).
     */
    boolean wantsCompaction(long every) {
        SnapshotMetadata md = storage.snapshot().getMetadata();
        return sm.applied() > md.getIndex() && (sm.applied() - md.getIndex() >= every
                || !sm.confState().equals(md.getConfState()));
    }

    /** Snapshots the state machine at its applied index and compacts the log near it. */
    void compact(int keepEntries, Host host) {
        // The snapshot must not be ahead of the durable commit index: sync first.
        disk.sync();
        long at = Math.max(storage.firstIndex(), sm.applied() - keepEntries);
        snapshotAndCompact(sm, at, host);
    }

    private void snapshotAndCompact(StateMachine s, long compactAt, Host host) {
        storage.createSnapshot(s.applied(), s.confState(), s.encode());
        storage.compact(compactAt);
        log.compact(compactAt);
        host.emit(new Event.Compacted(id, compactAt));
    }

    /** Flushes pending writes, as the OS eventually does. */
    void flush() {
        disk.sync();
    }
}
