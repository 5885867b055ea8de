package io.katd.jepsen.sim;

import io.katd.jepsen.check.Finding;
import io.katd.jepsen.check.FencingChecker;
import io.katd.jepsen.check.KvEvent;
import io.katd.jepsen.check.LostWriteChecker;
import io.katd.jepsen.sim.Coverage.Counter;
import io.katd.kv.sm.KvStateMachine;
import io.katd.proto.kv.KvCommand;
import io.katd.proto.kv.KvResult;
import io.katd.proto.kv.Rejection;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.raft.Config;
import io.katd.raft.RawNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.helpers.NOPLogger;

/**
 * A whole katd cluster on one thread: real raft-core and the real KV state machine per node,
 * a simulated network, disks and clocks, clients and a nemesis, all driven by one seed and
 * one {@link EventLoop}. Run shape (VERIFY.md, section 5): warm-up until a leader, the
 * workload with the fault window, heal, a final write that must succeed, settle, final reads
 * and state hashes on every node. Raft and KV safety are checked as the run goes; the client
 * checkers run at the end ({@link Verification}).
 */
public final class Simulation {
  static final long TICK_MICROS = 10_000;
  static final long WORKLOAD_LIMIT_MICROS = 60_000_000;

  final Scenario scenario;
  final EventLoop loop = new EventLoop();
  final Recorder recorder = new Recorder();
  final Coverage coverage = new Coverage();
  final SimNetwork network;
  final Path scratchDir;
  private final TreeMap<Long, SimNode> nodes = new TreeMap<>();
  private final List<Client> clients = new ArrayList<>();
  private final Nemesis nemesis;
  final Membership membership;
  private final SplittableRandom raftSeeds;
  private final Consumer<KvStateMachine> stateMachineHook;
  private final Consumer<RawNode> rawNodeHook;
  private final TreeMap<Long, Integer> ticksToSkip = new TreeMap<>();
  long opsIssued;
  private long requestIds;
  private long expiryIds = 1L << 62;
  private long leaseIds;
  private long compactProposed;
  final List<LostWriteChecker.Acked> acked = new ArrayList<>();
  final List<FencingChecker.Claim> claims = new ArrayList<>();
  final Map<String, Long> fencedProposals = new TreeMap<>();
  final List<Object> unknownWrites = new ArrayList<>();
  final TreeMap<Long, List<KvEvent>> committed = new TreeMap<>();
  final TreeMap<Long, FencingChecker.Applied> fencedApplied = new TreeMap<>();
  final List<Finding> violations = new ArrayList<>();
  private final TreeMap<Long, Long> leaderByTerm = new TreeMap<>();
  private final TreeMap<String, Long> votes = new TreeMap<>();
  private final TreeMap<Long, Long> entryHashes = new TreeMap<>();
  private long lastLeader;
  static final long FAULT_FREE_MICROS = 150_000;
  // Set by a script: no node ticks, so elections and heartbeats happen only when told.
  boolean ticksFrozen;
  long workloadStart;
  long faultsStart;
  long faultsEnd;
  long healedAt;

  public Simulation(Scenario scenario, Consumer<KvStateMachine> stateMachineHook) {
    this(scenario, stateMachineHook, null);
  }

  /**
   * @param stateMachineHook called with every state machine a node starts (tests use it to
   *     plant the fencing canary); null for none
   * @param rawNodeHook called with every RawNode a node starts (tests use it to plant
   *     raft-core's canaries); null for none
   */
  public Simulation(Scenario scenario, Consumer<KvStateMachine> stateMachineHook,
      Consumer<RawNode> rawNodeHook) {
    this.scenario = scenario;
    this.stateMachineHook = stateMachineHook == null ? sm -> { } : stateMachineHook;
    this.rawNodeHook = rawNodeHook == null ? raw -> { } : rawNodeHook;
    if (scenario.canary() == SimCanary.FENCE_ANY_TERM && stateMachineHook == null) {
      throw new IllegalArgumentException("the fencing canary needs a state machine hook");
    }
    if ((scenario.canary() == SimCanary.TRUNCATE_MATCHING_ENTRIES
        || scenario.canary() == SimCanary.COMMIT_PREVIOUS_TERM_BY_COUNTING)
        && rawNodeHook == null) {
      throw new IllegalArgumentException("raft-core's canaries need a RawNode hook");
    }
    SplittableRandom root = new SplittableRandom(scenario.seed());
    this.network = new SimNetwork(this, root.split());
    this.nemesis = new Nemesis(this, root.split());
    this.raftSeeds = root.split();
    try {
      this.scratchDir = Files.createTempDirectory("katd-sim-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (long id = 1; id <= scenario.nodes(); id++) {
      nodes.put(id, new SimNode(id, this, new NodeClock(loop), root.split()));
    }
    List<OpKind> kinds = new ArrayList<>(scenario.opKinds());
    kinds.sort(null);
    for (int c = 0; c < scenario.clients(); c++) {
      clients.add(new Client(c, this, root.split(), kinds));
    }
    // Split last, so that scenarios without membership changes draw as they always did.
    this.membership = new Membership(this, root.split());
  }

  public Simulation(Scenario scenario) {
    this(scenario, null);
  }

  /** A run whose faults follow a script (the negative tests) on top of the scenario's. */
  static Simulation scripted(Scenario scenario, Script script) {
    Simulation sim = new Simulation(scenario);
    sim.script = script;
    return sim;
  }

  private Script script;

  /** Runs the whole scenario and checks it. */
  public RunResult run() {
    try {
      ConfState voters = voters();
      for (SimNode n : nodes.values()) {
        n.format(voters);
        startNode(n);
        scheduleTick(n, TICK_MICROS * n.id / (nodes.size() + 1));
      }
      loop.runUntil(() -> leader() != null, 3_000_000, TICK_MICROS);
      workloadStart = loop.now();
      // The first part of the workload runs without faults, for a throughput baseline.
      faultsStart = workloadStart + FAULT_FREE_MICROS;
      if (scenario.script().isEmpty()) {
        loop.at(faultsStart, () -> nemesis.start(Long.MAX_VALUE));
      }
      if (script != null) {
        loop.at(faultsStart, () -> script.start(this));
      }
      for (Client c : clients) {
        c.begin();
      }
      if (!scenario.script().isEmpty()) {
        loop.runUntil(faultsStart);
        new ScriptRunner(this).run();
      }
      loop.runUntil(this::workloadDone, workloadStart + WORKLOAD_LIMIT_MICROS, TICK_MICROS);
      faultsEnd = loop.now();
      nemesis.stop();
      healAll();
      settle();
      return Verification.verify(this);
    } finally {
      deleteScratch();
    }
  }

  private boolean workloadDone() {
    return opsIssued >= scenario.ops() && clients.stream().allMatch(Client::idle)
        && (script == null || script.done());
  }

  private void healAll() {
    nemesis.healAll();
    for (SimNode n : nodes.values()) {
      if (n.status == SimNode.Status.DOWN) {
        restart(n);
      } else if (n.isUp() && n.paused) {
        n.resume();
      }
      n.crashPoint = null;
    }
    healedAt = loop.now();
  }

  private void settle() {
    if (!loop.runUntil(() -> leader() != null, loop.now() + 5_000_000, TICK_MICROS)) {
      onViolation("liveness", "no leader within 5 s after the faults healed");
      return;
    }
    if (!finalWrite()) {
      onViolation("liveness", "the final write did not succeed within 5 attempts after heal");
    }
    // Leases left behind expire (TTL 1 s) before the state is compared; watches that lost
    // their member resume elsewhere and catch up.
    loop.runUntil(loop.now() + 2_500_000);
    for (Client c : clients) {
      SimNode n = c.watch.connectedNode();
      if (n != null && !n.canRun()) {
        c.watch.reconnect();
      }
    }
    loop.runUntil(loop.now() + 500_000);
    // The checkers read the state the moment every member has applied the same index.
    if (!loop.runUntil(this::converged, loop.now() + 5_000_000, 1_000)) {
      onViolation("liveness", "the nodes did not reach the same applied index within 5 s");
    }
  }

  private boolean finalWrite() {
    boolean[] ok = new boolean[1];
    for (int attempt = 0; attempt < 5 && !ok[0]; attempt++) {
      SimNode leader = leader();
      if (leader == null) {
        loop.runUntil(loop.now() + 500_000);
        continue;
      }
      long requestId = nextRequestId();
      String value = "final-" + attempt;
      recorder.invoke(999, "put", "/final", value, loop.now());
      long start = loop.now();
      leader.guarded(() -> {
        leader.propose(Commands.put("/final", value, 0, 0), requestId, r -> ok[0] = r.hasPut());
        leader.process();
      });
      loop.runUntil(() -> ok[0], loop.now() + 1_000_000, 1_000);
      recorder.complete(999, ok[0] ? io.katd.jepsen.check.EventType.OK
          : io.katd.jepsen.check.EventType.INFO, "put", "/final", value, loop.now());
      recorder.op(new Recorder.Op(999, "put", "/final", value, start, loop.now(),
          ok[0] ? "ok" : "info", leader.id, ok[0] ? "final write" : "timeout"));
    }
    return ok[0];
  }

  private boolean converged() {
    List<SimNode> up = running();
    if (up.isEmpty()) {
      return false;
    }
    long applied = up.get(0).sm.appliedIndex();
    for (SimNode n : up) {
      if (n.sm.appliedIndex() != applied || n.commit() != applied || n.raw.hasReady()) {
        return false;
      }
    }
    return true;
  }

  private void scheduleTick(SimNode n, long delay) {
    loop.after(delay, () -> {
      if (nodes.get(n.id) != n) {
        return; // removed from the cluster: the process is gone
      }
      if (n.canRun() && !ticksFrozen) {
        int skip = ticksToSkip.getOrDefault(n.id, 0);
        if (skip > 0) {
          ticksToSkip.put(n.id, skip - 1);
        } else {
          n.guarded(() -> {
            n.tick();
            n.process();
          });
        }
      }
      scheduleTick(n, n.clock.realDelay(TICK_MICROS));
    });
  }

  void onClockJump(SimNode n, long deltaMicros) {
    if (deltaMicros < 0) {
      ticksToSkip.merge(n.id, (int) Math.min(100, -deltaMicros / TICK_MICROS), Integer::sum);
    } else if (n.canRun()) {
      // The duty cycle catches up on missed ticks, a bounded number at once.
      n.guarded(() -> {
        for (long i = 0; i < Math.min(5, deltaMicros / TICK_MICROS); i++) {
          n.tick();
        }
        n.process();
      });
    }
  }

  private void startNode(SimNode n) {
    if (n.start()) {
      stateMachineHook.accept(n.sm);
      rawNodeHook.accept(n.raw);
    }
  }

  void crash(SimNode n, String why) {
    SimDisk.Loss loss = n.kill(0.7);
    coverage.add(Counter.CRASHES);
    if (loss != SimDisk.Loss.NONE) {
      coverage.add(Counter.CRASHES_LOSING_UNSYNCED_WRITES);
    }
    recorder.note("node " + n.id + ": " + why + "; unsynced writes: " + loss);
    recorder.band("down (" + why + ")", String.valueOf(n.id), loop.now(), loop.now());
    for (Client c : clients) {
      c.watch.onNodeDown(n);
    }
  }

  void restartLater(SimNode n, long delay) {
    loop.after(delay, () -> {
      if (n.status == SimNode.Status.DOWN) {
        restart(n);
      } else if (n.isUp() && n.crashPoint != null) {
        n.crashPoint = null; // never struck; disarm
      }
    });
  }

  void restart(SimNode n) {
    if (nodes.get(n.id) != n) {
      return; // removed from the cluster meanwhile
    }
    startNode(n);
    List<Recorder.Band> bands = recorder.bands;
    for (int i = bands.size() - 1; i >= 0; i--) {
      Recorder.Band b = bands.get(i);
      if (b.nodes().equals(String.valueOf(n.id)) && b.kind().startsWith("down")
          && b.endMicros() == b.startMicros()) {
        bands.set(i, new Recorder.Band(b.kind(), b.nodes(), b.startMicros(), loop.now()));
        break;
      }
    }
    if (n.isUp()) {
      n.guarded(n::process);
    }
  }

  /** A node hit a fatal error: it stops (fail-stop), and a correct cluster never does this. */
  void onFatal(SimNode n, RuntimeException e) {
    onViolation("fail-stop", "node " + n.id + " stopped on a fatal error: " + e.getMessage());
    if (n.isUp()) {
      crash(n, "fatal error");
    }
  }

  void onRefused(SimNode n, String why) {
    if (n.wipeInjected && why.startsWith(SimNode.WIPED_DIR_DETECTED)) {
      // The cluster goes on without it; the final checks skip it.
      coverage.add(Counter.WIPED_DIRS_DETECTED);
      recorder.note("node " + n.id + " stopped: " + why);
      return;
    }
    if (n.corruptionInjected) {
      coverage.add(Counter.CORRUPTIONS_DETECTED);
      recorder.note("node " + n.id + " refused to start: " + why);
    } else {
      onViolation("recovery", "node " + n.id + " refused to start though no corruption was "
          + "injected: " + why);
    }
  }

  Config raftConfig(long id, long applied) {
    return Config.builder(id).electionTicks(scenario.electionTicks())
        .heartbeatTicks(scenario.heartbeatTicks()).applied(applied)
        .checkQuorum(scenario.checkQuorum()).preVote(scenario.preVote())
        .readOnlyOption(script == null ? io.katd.raft.ReadOnlyOption.SAFE : script.readOnly())
        // katd's default: a leader that applies its own removal steps down at once.
        .stepDownOnRemoval(true)
        .random(new SplittableRandom(raftSeeds.nextLong())).logger(NOPLogger.NOP_LOGGER)
        .build();
  }

  ConfState voters() {
    ConfState.Builder cs = ConfState.newBuilder();
    nodes.keySet().forEach(cs::addVoters);
    return cs.build();
  }

  // ---- observations, checked as the run goes ------------------------------------------

  void onLeader(SimNode n, long term) {
    Long other = leaderByTerm.putIfAbsent(term, n.id);
    if (other != null && other != n.id) {
      onViolation("election-safety", "nodes " + other + " and " + n.id
          + " were both leader in term " + term);
    }
    if (n.id != lastLeader) {
      coverage.add(Counter.LEADER_CHANGES);
      lastLeader = n.id;
    }
    recorder.leader(loop.now(), n.id, term);
  }

  void onVoteGranted(long voter, long term, long candidate) {
    Long other = votes.putIfAbsent(voter + "@" + term, candidate);
    if (other != null && other != candidate) {
      onViolation("vote-safety", "node " + voter + " voted for " + other + " and " + candidate
          + " in term " + term);
    }
  }

  void onEntryApplied(SimNode n, Entry e) {
    long h = e.getTerm() * 1_000_003L + e.getData().hashCode();
    Long other = entryHashes.putIfAbsent(e.getIndex(), h);
    if (other != null && other != h) {
      onViolation("state-machine-safety", "node " + n.id + " applied a different entry at index "
          + e.getIndex() + " than another node did");
    }
  }

  void onCommandApplied(SimNode n, Entry e, long requestId, com.google.protobuf.ByteString cmd,
      KvResult result) {
    if (e.getIndex() <= maxSeenCommandIndex) {
      return;
    }
    maxSeenCommandIndex = e.getIndex();
    KvCommand c;
    try {
      c = KvCommand.parseFrom(cmd);
    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
      return;
    }
    if (c.getFenceTerm() != 0) {
      String value = c.getPut().getValue().toStringUtf8();
      fencedApplied.put(e.getIndex(), new FencingChecker.Applied(e.getIndex(), c.getFenceTerm(),
          fencedProposals.getOrDefault(value, 0L), result.hasPut()));
      if (result.hasRejected() && result.getRejected().getReason() == Rejection.Reason.FENCED) {
        coverage.add(Counter.FENCED_REJECTIONS);
      }
    }
    if (requestId >= (1L << 62) && result.hasLeaseRevoke()) {
      coverage.add(Counter.LEASE_EXPIRIES);
    }
    if (c.hasCompaction() && result.hasCompaction()) {
      coverage.add(Counter.KV_COMPACTIONS);
    }
  }

  private long maxSeenCommandIndex;

  void onRevision(SimNode n, long revision, List<KvEvent> events) {
    List<KvEvent> other = committed.putIfAbsent(revision, events);
    if (other != null && !other.equals(events)) {
      onViolation("kv-history", "node " + n.id + " has " + events + " at revision " + revision
          + " but another node has " + other);
    }
  }

  void onViolation(String checker, String detail) {
    if (violations.stream().noneMatch(f -> f.checker().equals(checker))) {
      violations.add(Finding.violation(checker, detail + " (at " + loop.now() / 1000 + " ms)"));
      recorder.note("VIOLATION " + checker + ": " + detail);
    }
  }

  // ---- helpers for clients and the nemesis --------------------------------------------

  SimNode node(long id) {
    return nodes.get(id);
  }

  List<Long> nodeIds() {
    return new ArrayList<>(nodes.keySet());
  }

  List<SimNode> running() {
    return nodes.values().stream().filter(SimNode::canRun).toList();
  }

  List<SimNode> allNodes() {
    return new ArrayList<>(nodes.values());
  }

  List<Client> clients() {
    return clients;
  }

  SimNode pickNode(SplittableRandom random, SimNode exclude) {
    List<SimNode> candidates = nodes.values().stream()
        .filter(n -> n.status != SimNode.Status.REFUSED && n != exclude).toList();
    return candidates.isEmpty() ? exclude : candidates.get(random.nextInt(candidates.size()));
  }

  SimNode pickRunning(SplittableRandom random) {
    List<SimNode> up = running();
    return up.isEmpty() ? null : up.get(random.nextInt(up.size()));
  }

  SimNode leader() {
    return running().stream().filter(n -> n.role == io.katd.raft.StateType.LEADER)
        .max(Comparator.comparingLong(SimNode::term)).orElse(null);
  }

  int downCount() {
    return (int) nodes.values().stream().filter(n -> !n.isUp() || n.paused
        || n.crashPoint != null || n.disk.isFull()).count();
  }

  int maxDown() {
    return (membership.votersForFaults() - 1) / 2;
  }

  /** A new member's process starts, from a disk holding only its identity. */
  void join(SimNode n) {
    nodes.put(n.id, n);
    n.prepareToJoin();
    startNode(n);
    scheduleTick(n, TICK_MICROS);
    recorder.band("joined", String.valueOf(n.id), loop.now(), loop.now());
  }

  /** A removed member's process stops for good; its clients and watches go elsewhere. */
  void retire(SimNode n) {
    if (nodes.get(n.id) != n) {
      return;
    }
    nodes.remove(n.id);
    n.kill(0);
    recorder.band("removed", String.valueOf(n.id), loop.now(), loop.now());
    for (Client c : clients) {
      c.watch.onNodeDown(n);
    }
  }

  long electionMicros() {
    return scenario.electionTicks() * TICK_MICROS;
  }

  long clientDelay(SplittableRandom random) {
    return 200 + random.nextLong(800);
  }

  long nextRequestId() {
    return ++requestIds;
  }

  long expiryRequestId() {
    return ++expiryIds;
  }

  long nextLeaseId() {
    return ++leaseIds;
  }

  void compactKv() {
    SimNode leader = leader();
    if (leader == null) {
      return;
    }
    long rev = leader.sm.currentRevision() - 2;
    if (rev > compactProposed) {
      compactProposed = rev;
      leader.guarded(() -> {
        leader.propose(Commands.compact(rev), nextRequestId(), r -> { });
        leader.process();
      });
    }
  }

  private void deleteScratch() {
    try (Stream<Path> walk = Files.walk(scratchDir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      recorder.notes.add("could not delete " + scratchDir + ": " + e.getMessage());
    }
  }
}
