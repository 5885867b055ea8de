package io.katd.raft.sim;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.raft.Config;
import io.katd.raft.SnapshotStatus;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.helpers.NOPLogger;

/**
 * A whole cluster on one thread, driven by one seed: see the package documentation.
 * Time advances in ticks of {@link #UNITS_PER_TICK} units; each node ticks at its own
 * unit within the tick, and messages arrive at any unit.
 */
final class Simulation implements SimNode.Host {
    static final int UNITS_PER_TICK = 10;
    static final int ELECTION_TICKS = 10;
    /**
     * After healing, some node must lead within this many ticks. Generous on purpose:
     * without PreVote a voter whose log is behind keeps starting elections it cannot win,
     * and each of them resets the timers of the voters that could win, so an election
     * succeeds only with some probability per round (as in etcd).
     */
    static final int LEADER_BOUND_TICKS = 30 * ELECTION_TICKS;
    /** After healing, every member must have caught up within this many ticks. */
    static final int CONVERGENCE_BOUND_TICKS = 60 * ELECTION_TICKS;

    // The first byte of a client payload: an ordinary proposal, or the write after healing.
    static final byte PROPOSAL = 'P';
    static final byte FINAL_WRITE = 'F';

    // The outcome of a message, for a sender that was paused when it became known.
    private record Report(SimNode node, int incarnation, Consumer<SimNode> input) {}

    final Scenario scenario;
    final TreeMap<Long, SimNode> nodes = new TreeMap<>();
    final Network network;
    final Stats stats = new Stats();
    final SplittableRandom faultRandom;
    final SplittableRandom workloadRandom;
    private final SplittableRandom nodeSeeds;
    private final SplittableRandom inputRandom;
    private final Checker checker;
    private final boolean honoursSync;
    private final Faults faults;
    private final Workload workload;
    private final List<Report> deferred = new ArrayList<>();
    Partition partition = Partition.NONE;
    ConfState latestConf;
    private long latestConfIndex = 1;
    // Every node that was a member of some applied configuration. The operator does not
    // add such a node back on purpose (as etcd burns a removed member's id), but a change
    // planned on a stale view of the configuration may; the node then starts again.
    final Set<Long> everMember = new HashSet<>();
    long tick;
    long now;
    boolean healed;
    long finalWriteIndex;
    private long maxAcked;
    private long maxCommit = 1;

    Simulation(Scenario scenario, Checker checker) {
        this(scenario, checker, true);
    }

    /**
     * @param honoursSync false to run with a canary disk whose fsync does nothing: a
     *     harness that does not then fail is itself broken
     */
    Simulation(Scenario scenario, Checker checker, boolean honoursSync) {
        this.scenario = scenario;
        this.checker = checker;
        this.honoursSync = honoursSync;
        SplittableRandom root = new SplittableRandom(scenario.seed());
        this.network = new Network(new SplittableRandom(root.nextLong()), scenario);
        this.faultRandom = new SplittableRandom(root.nextLong());
        this.workloadRandom = new SplittableRandom(root.nextLong());
        this.nodeSeeds = new SplittableRandom(root.nextLong());
        this.inputRandom = new SplittableRandom(root.nextLong());
        ConfState.Builder voters = ConfState.newBuilder();
        for (long id = 1; id <= scenario.size(); id++) {
            voters.addVoters(id);
        }
        latestConf = voters.build();
        everMember.addAll(latestConf.getVotersList());
        for (long id = 1; id <= scenario.size(); id++) {
            nodes.put(id, SimNode.founder(id, latestConf, nodeSeeds.nextInt(UNITS_PER_TICK),
                    nodeParams()));
        }
        this.faults = new Faults(this);
        this.workload = new Workload(this);
    }

    /** Runs the scenario to the end; checkers throw at the first violation. */
    static Stats run(Scenario scenario, Checker extra) {
        Checkers checkers = Checkers.standard(LEADER_BOUND_TICKS);
        if (extra != null) {
            checkers.add(extra);
        }
        return new Simulation(scenario, checkers).run();
    }

    Stats run() {
        for (SimNode n : nodes.values()) {
            n.begin(this);
        }
        while (tick < scenario.faultTicks()) {
            advance();
        }
        heal();
        long deadline = tick + CONVERGENCE_BOUND_TICKS;
        while (tick < deadline && !converged()) {
            advance();
        }
        emit(new Event.Finished(tick, memberApplied(), finalWriteIndex > 0));
        return stats;
    }

    /** One tick: deliveries and node clocks unit by unit, then faults and clients. */
    private void advance() {
        for (int u = 0; u < UNITS_PER_TICK; u++) {
            now = tick * UNITS_PER_TICK + u;
            deliverDeferredReports();
            Message m;
            while ((m = network.poll(now)) != null) {
                deliver(m);
            }
            for (SimNode n : nodes.values()) {
                if (n.phase == u && n.canRun(tick)) {
                    n.raw.tick();
                    afterInput(n);
                }
            }
            drainDirty();
        }
        tick++;
        emit(new Event.Tick(tick));
        faults.onTick();
        workload.onTick();
        drainDirty();
        retireRemoved();
    }

    /**
     * Shuts down removed members, as an operator would, but only once every member of
     * the latest configuration has applied the removal: until then a member may still
     * need the removed node's vote (a joint configuration in which the outgoing half
     * holds it) or the commit index it can tell.
     */
    private void retireRemoved() {
        for (SimNode x : nodes.values()) {
            if (x.status == SimNode.Status.RETIRED || !everMember.contains(x.id)
                    || StateMachine.isMember(latestConf, x.id)) {
                continue;
            }
            boolean needed = false;
            for (SimNode m : nodes.values()) {
                needed |= StateMachine.isMember(latestConf, m.id)
                        && StateMachine.isMember(m.stateMachine().confState(), x.id);
            }
            if (!needed) {
                x.retire(this);
            }
        }
    }

    private void deliver(Message m) {
        SimNode to = nodes.get(m.getTo());
        if (partition.blocks(m.getFrom(), m.getTo())) {
            if (partition.holds()) {
                network.hold(m);
            } else {
                undeliverable(m, true);
            }
            return;
        }
        if (to == null || to.status != SimNode.Status.UP) {
            undeliverable(m, true);
            return;
        }
        if (network.lost()) {
            undeliverable(m, false);
            return;
        }
        if (!to.canRun(tick)) {
            // A paused process reads its socket only when it resumes.
            network.requeue(m, to.pausedUntil * UNITS_PER_TICK + to.phase);
            return;
        }
        to.raw.step(m);
        afterInput(to);
        if (m.getType() == MessageType.MsgSnap) {
            report(m.getFrom(), n -> n.raw.reportSnapshot(m.getTo(), SnapshotStatus.FINISH));
        }
    }

    /** A message that never arrives: the transport tells the sender, sometimes. */
    private void undeliverable(Message m, boolean unreachable) {
        if (m.getType() == MessageType.MsgSnap) {
            report(m.getFrom(), n -> n.raw.reportSnapshot(m.getTo(), SnapshotStatus.FAILURE));
        } else if (unreachable && inputRandom.nextInt(4) == 0) {
            report(m.getFrom(), n -> n.raw.reportUnreachable(m.getTo()));
        }
    }

    /**
     * Tells a sender's node what became of its message. A paused process learns it when
     * it resumes; a crashed one never does (its next incarnation starts afresh).
     */
    private void report(long node, Consumer<SimNode> input) {
        SimNode n = nodes.get(node);
        if (n == null || n.status != SimNode.Status.UP) {
            return;
        }
        if (n.canRun(tick)) {
            input.accept(n);
            afterInput(n);
        } else {
            deferred.add(new Report(n, n.incarnation, input));
        }
    }

    private void deliverDeferredReports() {
        if (deferred.isEmpty()) {
            return;
        }
        List<Report> waiting = new ArrayList<>(deferred);
        deferred.clear();
        for (Report r : waiting) {
            if (r.node().status != SimNode.Status.UP || r.node().incarnation != r.incarnation()) {
                continue;
            }
            if (r.node().canRun(tick)) {
                r.input().accept(r.node());
                afterInput(r.node());
            } else {
                deferred.add(r);
            }
        }
    }

    /** After any input: handle the Ready now, or let inputs accumulate for a while. */
    void afterInput(SimNode n) {
        if (n.status != SimNode.Status.UP) {
            return;
        }
        if (inputRandom.nextDouble() < scenario.batch()) {
            n.dirty = true;
        } else {
            drain(n);
        }
    }

    private void drain(SimNode n) {
        n.dirty = false;
        for (int i = 0; n.status == SimNode.Status.UP && n.raw.hasReady(); i++) {
            if (i == 10_000) {
                throw new IllegalStateException("node " + n.id + " never runs out of Readies");
            }
            if (!n.process(n.raw.ready(), this)) {
                return;
            }
        }
    }

    private void drainDirty() {
        for (SimNode n : nodes.values()) {
            if (n.dirty && n.canRun(tick)) {
                drain(n);
            }
        }
    }

    /** Ends every fault: partitions, pauses, crashes, message loss. */
    private void heal() {
        healed = true;
        partition = Partition.NONE;
        network.release(now);
        network.heal();
        for (SimNode n : nodes.values()) {
            n.pausedUntil = 0;
            n.crashAt = null;
            if (n.status == SimNode.Status.DOWN) {
                n.restart(this);
            }
        }
        emit(new Event.Healed(tick));
    }

    private boolean converged() {
        if (finalWriteIndex == 0) {
            return false;
        }
        for (SimNode n : nodes.values()) {
            if (StateMachine.isMember(latestConf, n.id)
                    && (n.status != SimNode.Status.UP
                            || n.stateMachine().applied() < maxAcked)) {
                return false;
            }
        }
        return true;
    }

    private Map<Long, Long> memberApplied() {
        Map<Long, Long> applied = new TreeMap<>();
        for (SimNode n : nodes.values()) {
            if (StateMachine.isMember(latestConf, n.id)) {
                applied.put(n.id, n.stateMachine().applied());
            }
        }
        return applied;
    }

    /** Adds a node with empty storage, as an operator starts a process for a new member. */
    SimNode addJoiner(long id) {
        SimNode n = SimNode.joiner(id, nodeSeeds.nextInt(UNITS_PER_TICK), nodeParams());
        nodes.put(id, n);
        n.begin(this);
        return n;
    }

    private SimNode.Params nodeParams() {
        return new SimNode.Params(new SplittableRandom(nodeSeeds.nextLong()),
                scenario.loseUnsynced(), scenario.snapshotUnavailable(), honoursSync);
    }

    /** The running leader with the highest term, or null. */
    SimNode leader() {
        SimNode best = null;
        for (SimNode n : nodes.values()) {
            if (n.isLeader() && n.canRun(tick) && (best == null || n.term() > best.term())) {
                best = n;
            }
        }
        return best;
    }

    /** Nodes that could serve a client now. */
    List<SimNode> runnable() {
        List<SimNode> r = new ArrayList<>();
        for (SimNode n : nodes.values()) {
            if (n.canRun(tick)) {
                r.add(n);
            }
        }
        return r;
    }

    /** The highest commit index anywhere, including what nodes hold only in memory. */
    long knownCommitNow() {
        long k = maxCommit;
        for (SimNode n : nodes.values()) {
            if (n.status == SimNode.Status.UP) {
                k = Math.max(k, n.raw.status().hardState().getCommit());
            }
        }
        return k;
    }

    static ByteString payload(byte kind, long proposer, long seq) {
        return ByteString.copyFrom(ByteBuffer.allocate(17).put(kind).putLong(proposer)
                .putLong(seq).flip());
    }

    @Override
    public void emit(Event e) {
        if (e instanceof Event.Committed c) {
            maxCommit = Math.max(maxCommit, c.index());
        }
        stats.count(e);
        checker.on(e);
    }

    @Override
    public void send(Message m) {
        network.send(m, now);
    }

    @Override
    public void confApplied(long index, ConfState cs) {
        if (index > latestConfIndex) {
            latestConfIndex = index;
            latestConf = cs;
            stats.confChanges++;
            everMember.addAll(cs.getVotersList());
            everMember.addAll(cs.getLearnersList());
            for (SimNode n : nodes.values()) {
                if (n.status == SimNode.Status.RETIRED && StateMachine.isMember(cs, n.id)) {
                    n.revive(tick);
                }
            }
        }
    }

    @Override
    public void entryApplied(long node, Entry e) {
        ByteString data = e.getData();
        if (data.size() != 17 || data.byteAt(0) != PROPOSAL && data.byteAt(0) != FINAL_WRITE) {
            return;
        }
        long proposer = data.substring(1, 9).asReadOnlyByteBuffer().getLong();
        if (proposer != node) {
            return;
        }
        maxAcked = Math.max(maxAcked, e.getIndex());
        emit(new Event.ProposalAcked(node, e.getIndex()));
        if (data.byteAt(0) == FINAL_WRITE && healed && finalWriteIndex == 0) {
            finalWriteIndex = e.getIndex();
        }
    }

    @Override
    public long knownCommit() {
        return maxCommit;
    }

    @Override
    public Config config(long node, long applied) {
        return Config.builder(node)
                .electionTicks(ELECTION_TICKS)
                .heartbeatTicks(scenario.heartbeatTicks())
                .applied(applied)
                .maxMsgBytes(scenario.maxMsgBytes())
                .maxUncommittedBytes(scenario.maxUncommittedBytes())
                .maxInflightMsgs(scenario.maxInflightMsgs())
                .checkQuorum(scenario.checkQuorum())
                .preVote(scenario.preVote())
                .stepDownOnRemoval(scenario.stepDownOnRemoval())
                .random(new SplittableRandom(nodeSeeds.nextLong()))
                .logger(NOPLogger.NOP_LOGGER)
                .build();
    }

    @Override
    public long tick() {
        return tick;
    }
}
