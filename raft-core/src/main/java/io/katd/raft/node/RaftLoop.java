package io.katd.raft.node;

import com.google.protobuf.ByteString;
import io.katd.proto.node.ProposalEnvelope;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.Snapshot;
import io.katd.raft.RawNode;
import io.katd.raft.ReadState;
import io.katd.raft.Ready;
import io.katd.raft.SoftState;
import io.katd.raft.StateType;
import io.katd.raft.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raft thread's duty cycle: the only code that touches the {@link RawNode}. Each
 * cycle reads the clock once, ticks as often as due, drains a bounded number of inputs,
 * and handles one Ready: persist, send, apply (on this thread, in order), advance.
 */
final class RaftLoop<R> implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftLoop.class);
    // Bounds on one cycle, so that neither a clock jump nor a flood of inputs keeps the
    // loop from handling Readies (and so from persisting and answering).
    private static final int TICKS_PER_CYCLE_MAX = 64;
    private static final int INPUTS_PER_CYCLE_MAX = 1_024;
    // Proposals collected during one drain, proposed together; empty between cycles.
    private final List<Input.Propose<R>> proposals = new ArrayList<>();

    private final long id;
    private final RaftNodeConfig config;
    private final RawNode node;
    private final DurableLog log;
    private final Transport transport;
    private final StateMachine<R> stateMachine;
    private final Inbox inbox;
    private final Completer completer;
    private final NodeState shared;
    private final List<RaftNodeListener> listeners;
    private final Requests<R> requests;
    private final long incarnation;
    private final long tickNanos;

    // The node's state as the Readies so far told it; raft thread only.
    private long ticks;
    private long term;
    private long lead;
    private StateType role = StateType.FOLLOWER;
    private long commit;
    private long applied;
    private ConfState confState;
    private long snapshotIndex;

    RaftLoop(RaftNodeConfig config, RawNode node, Recovery.Recovered recovered,
            Parts<R> parts, NodeState shared, long incarnation) {
        this.id = config.id();
        this.config = config;
        this.node = node;
        this.log = parts.log();
        this.transport = parts.transport();
        this.stateMachine = parts.stateMachine();
        this.inbox = parts.inbox();
        this.completer = parts.completer();
        this.listeners = parts.listeners();
        this.shared = shared;
        this.incarnation = incarnation;
        this.tickNanos = config.tickInterval().toNanos();
        this.requests = new Requests<>(id, incarnation, config.random().nextLong(), completer,
                config.requestTimeoutTicks());
        Status st = node.status();
        this.term = st.hardState().getTerm();
        this.commit = st.hardState().getCommit();
        this.applied = recovered.applied();
        this.confState = recovered.confState();
        shared.publishConfState(confState);
        this.snapshotIndex = recovered.snapshotIndex();
    }

    /** The node's collaborators, as handed to the loop. */
    record Parts<R>(DurableLog log, Transport transport, StateMachine<R> stateMachine,
            Inbox inbox, Completer completer, List<RaftNodeListener> listeners) {}

    @Override
    public void run() {
        try {
            loop();
        } catch (Throwable t) {
            LOG.error("node {} stopped on a fatal error", id, t);
            shared.fail(t);
        } finally {
            shutdown();
        }
    }

    private void loop() throws IOException {
        long nextTickNanos = config.clock().nanoTime() + tickNanos;
        while (!shared.stopRequested()) {
            long nowNanos = config.clock().nanoTime();
            requests.beginCycle();
            int ticked = 0;
            while (nowNanos - nextTickNanos >= 0 && ticked < TICKS_PER_CYCLE_MAX) {
                node.tick();
                ticks++;
                ticked++;
                nextTickNanos += tickNanos;
            }
            if (ticked > 0) {
                requests.expire(ticks);
            }
            int drained = drain();
            boolean ready = node.hasReady();
            if (ready) {
                handleReady();
            }
            if (ticked > 0 || drained > 0 || ready) {
                shared.publish(node.status());
                continue;
            }
            long waitNanos = Math.min(nextTickNanos - config.clock().nanoTime(), tickNanos);
            if (waitNanos > 0 && inbox.isEmpty()) {
                // Woken early by Inbox.offer; spurious wake-ups just run an empty cycle.
                LockSupport.parkNanos(this, waitNanos);
            }
        }
    }

    /**
     * Handles up to a cycle's worth of inputs in arrival order. Consecutive proposals are
     * handed to the core as one batch: one append and one MsgApp per follower for all of
     * them, instead of one each (group commit).
     */
    @SuppressWarnings("unchecked")
    private int drain() {
        int n = 0;
        Input input;
        while (n < INPUTS_PER_CYCLE_MAX && (input = inbox.poll()) != null) {
            if (input instanceof Input.Propose<?> p) {
                proposals.add((Input.Propose<R>) p);
            } else {
                proposeBatch();
                handle(input);
            }
            n++;
        }
        proposeBatch();
        return n;
    }

    private void proposeBatch() {
        if (proposals.isEmpty()) {
            return;
        }
        long[] sequences = new long[proposals.size()];
        List<ByteString> batch = new ArrayList<>(proposals.size());
        for (int i = 0; i < sequences.length; i++) {
            sequences[i] = requests.nextSequence();
            batch.add(Envelopes.wrap(id, incarnation, sequences[i],
                    proposals.get(i).payload()));
        }
        if (node.proposeBatch(batch)) {
            for (int i = 0; i < sequences.length; i++) {
                requests.addProposal(sequences[i], proposals.get(i).future(), ticks);
            }
        } else {
            String reason = dropReason();
            for (Input.Propose<R> p : proposals) {
                completer.fail(p.future(), new ProposalDroppedException(id, reason));
            }
        }
        proposals.clear();
    }

    private void handle(Input input) {
        if (input instanceof Input.Receive r) {
            receive(r.message());
        } else if (input instanceof Input.ReadIndex r) {
            readIndex(r);
        } else if (input instanceof Input.ChangeMembership c) {
            changeMembership(c);
        } else if (input instanceof Input.TransferLeadership t) {
            node.transferLeader(t.transferee());
        } else if (input instanceof Input.Campaign) {
            node.campaign();
        } else if (input instanceof Input.ForgetLeader) {
            node.forgetLeader();
        } else if (input instanceof Input.Unreachable u) {
            node.reportUnreachable(u.peerId());
        } else if (input instanceof Input.SnapshotReport s) {
            node.reportSnapshot(s.peerId(), s.status());
        } else {
            throw new AssertionError(input);
        }
    }

    /** The gateway for peer messages: misdirected or malformed ones are dropped. */
    private void receive(Message m) {
        if (m.getTo() != id) {
            LOG.debug("node {} dropped a {} addressed to {}", id, m.getType(), m.getTo());
            return;
        }
        try {
            node.step(m);
        } catch (IllegalArgumentException e) {
            LOG.warn("node {} dropped an invalid {} from {}: {}", id, m.getType(), m.getFrom(),
                    e.getMessage());
        }
    }

    private void readIndex(Input.ReadIndex r) {
        if (lead == 0) {
            completer.fail(r.future(), new ReadIndexDroppedException(id,
                    "no leader known at term " + term));
            return;
        }
        ByteString ctx = requests.newReadContext();
        requests.addRead(ctx, r.future(), ticks);
        node.readIndex(ctx);
    }

    private void changeMembership(Input.ChangeMembership c) {
        if (role != StateType.LEADER) {
            completer.fail(c.future(), new ProposalDroppedException(id,
                    "membership changes are proposed on the leader; this node is " + role
                            + " (leader: " + lead + ", term " + term + ")"));
            return;
        }
        long sequence = requests.nextSequence();
        ConfChangeV2 cc = c.change().toBuilder().setContext(Envelopes.wrap(id, incarnation,
                sequence, c.change().getContext())).build();
        if (!node.proposeConfChange(cc)) {
            completer.fail(c.future(), new ProposalDroppedException(id, dropReason()));
            return;
        }
        // As leader the change was appended at the end of the log, in the current term.
        Status st = node.status();
        requests.addChange(sequence, c.future(), ticks, st.lastIndex(),
                st.hardState().getTerm());
    }

    /** Why the protocol just dropped a proposal, from its current state. */
    private String dropReason() {
        Status st = node.status();
        SoftState ss = st.softState();
        long t = st.hardState().getTerm();
        return switch (ss.raftState()) {
            case LEADER -> st.leadTransferee() != 0
                    ? "leadership transfer to " + st.leadTransferee() + " in progress"
                    : "the leader's uncommitted log is at its limit (maxUncommittedBytes),"
                            + " or this node is no longer a voter";
            case FOLLOWER -> ss.lead() == 0 ? "no leader known at term " + t
                    : "proposal forwarding is disabled (leader: " + ss.lead() + ")";
            case CANDIDATE, PRE_CANDIDATE -> "no leader: an election is in progress at term "
                    + t;
        };
    }

    // ---- the Ready ------------------------------------------------------------------

    private void handleReady() throws IOException {
        Ready rd = node.ready();
        if (rd.hardState().isPresent() || !rd.entries().isEmpty()
                || rd.snapshot().isPresent()) {
            log.persist(rd);
        }
        if (rd.snapshot().isPresent()) {
            requests.onSnapshot();
        }
        requests.onPersisted(rd.entries());
        long previousTerm = term;
        rd.hardState().ifPresent(hs -> {
            term = hs.getTerm();
            commit = hs.getCommit();
        });
        if (!rd.messages().isEmpty()) {
            transport.send(rd.messages());
        }
        rd.snapshot().ifPresent(this::applySnapshot);
        applyEntries(rd.committedEntries());
        onSoftState(rd.softState().orElse(null), previousTerm);
        for (ReadState rs : rd.readStates()) {
            requests.onReadState(rs);
        }
        node.advance(rd);
        requests.onAppliedIndex(applied);
        maybeSnapshot();
    }

    private void applySnapshot(Snapshot snapshot) {
        long index = snapshot.getMetadata().getIndex();
        LOG.info("node {} restores its state machine from a snapshot at index {}", id, index);
        stateMachine.restore(index, snapshot.getData());
        applied = index;
        confState = snapshot.getMetadata().getConfState();
        shared.publishConfState(confState);
        snapshotIndex = index;
    }

    private void applyEntries(List<Entry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        for (Entry e : entries) {
            if (Envelopes.isConfChange(e)) {
                applyConfChange(e);
            } else if (!e.getData().isEmpty()) {
                ProposalEnvelope env = Envelopes.ofNormal(e);
                R result = stateMachine.apply(e.getIndex(), e.getTerm(),
                        env.getPayload());
                requests.onApplied(env, result);
            }
            applied = e.getIndex();
        }
        stateMachine.markApplied(applied);
        requests.flushApplied();
    }

    private void applyConfChange(Entry e) throws IOException {
        ConfChangeV2 cc = Envelopes.confChange(e);
        confState = node.applyConfChange(cc);
        shared.publishConfState(confState);
        LOG.info("node {} applied membership change at index {}: {}", id, e.getIndex(),
                confState);
        requests.onConfChangeApplied(cc, confState);
        // A member added by this change can only be caught up with a snapshot that lists
        // it (its log is empty, and the log starts after the bootstrap snapshot), so the
        // newest snapshot must include every change.
        applied = e.getIndex();
        stateMachine.markApplied(applied);
        takeSnapshot(applied);
    }

    private void takeSnapshot(long index) throws IOException {
        if (index <= snapshotIndex) {
            return;
        }
        ByteString data = stateMachine.snapshot();
        log.createSnapshot(index, confState, data);
        snapshotIndex = index;
        LOG.info("node {} took a snapshot at index {}", id, index);
    }

    /** Every snapshotThreshold entries: snapshot, then compact all but the kept entries. */
    private void maybeSnapshot() throws IOException {
        long threshold = config.snapshotThreshold();
        if (threshold == 0 || applied - snapshotIndex < threshold) {
            return;
        }
        takeSnapshot(applied);
        long compactIndex = applied - config.snapshotKeepEntries();
        if (compactIndex >= log.firstIndex()) {
            log.compact(compactIndex);
        }
    }

    private void onSoftState(SoftState ss, long previousTerm) {
        long newLead = ss != null ? ss.lead() : lead;
        StateType newRole = ss != null ? ss.raftState() : role;
        boolean leaderChanged = newLead != lead;
        if (leaderChanged || term != previousTerm) {
            requests.onLeadershipChange(commit, "leader " + lead + " at term " + previousTerm
                    + ", now " + (newLead == 0 ? "none" : newLead) + " at term " + term);
        }
        lead = newLead;
        if (leaderChanged || (lead != 0 && term != previousTerm)) {
            long l = lead;
            long t = term;
            notifyListeners(listener -> listener.onLeaderChange(l, t));
        }
        if (newRole != role) {
            role = newRole;
            long t = term;
            notifyListeners(listener -> listener.onRoleChange(newRole, t));
        }
    }

    private void notifyListeners(java.util.function.Consumer<RaftNodeListener> event) {
        if (listeners.isEmpty()) {
            return;
        }
        completer.run(() -> {
            for (RaftNodeListener l : listeners) {
                try {
                    event.accept(l);
                } catch (RuntimeException e) {
                    LOG.warn("node {}: a listener failed", id, e);
                }
            }
        });
    }

    // ---- stopping -------------------------------------------------------------------

    private void shutdown() {
        shared.set(NodeState.Phase.STOPPED);
        try {
            transport.close();
        } catch (RuntimeException e) {
            LOG.warn("node {}: closing the transport failed", id, e);
        }
        NodeClosedException closed = shared.closedException();
        requests.failAll(closed);
        RaftNode.failQueued(inbox, completer, closed);
        try {
            log.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("node {}: closing the durable log failed", id, e);
        }
        completer.shutdown();
        LOG.info("node {} stopped", id);
    }
}
