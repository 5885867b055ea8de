package io.katd.raft.node;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Message;
import io.katd.raft.RawNode;
import io.katd.raft.SnapshotStatus;
import io.katd.raft.Status;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Raft node: one raft thread (named {@code raft-<id>}) owns the protocol and
 * drives it over a {@link DurableLog}, a {@link Transport} and a {@link StateMachine};
 * every other thread talks to it through a bounded inbox and gets answers as futures.
 *
 * <p>Futures complete, and listeners run, on the completion executor (see
 * {@link RaftNodeConfig#completionExecutor()}), never on the raft thread. No method
 * blocks for the protocol: when the inbox is full a request fails at once. The node owns
 * the log, the transport and (while it runs) the state machine, and closes the first two
 * when it stops.
 *
 * <p>Failures complete futures with a {@link RaftNodeException}: {@link
 * ProposalDroppedException} and {@link ReadIndexDroppedException} (no effect, retry),
 * {@link LeadershipLostException} and {@link RequestTimeoutException} (outcome unknown),
 * {@link NodeClosedException} (the node stopped).
 *
 * @param <R> the state machine's result type
 */
public final class RaftNode<R> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    private final RaftNodeConfig config;
    private final long id;
    private final DurableLog log;
    private final Transport transport;
    private final StateMachine<R> stateMachine;
    private final Inbox inbox;
    private final Completer completer;
    private final NodeState shared;
    private final List<RaftNodeListener> listeners = new CopyOnWriteArrayList<>();
    // Serializes start and close, which are rare; the raft thread never takes it.
    private final Object lifecycleLock = new Object();
    // Set by start under lifecycleLock; read by close under it.
    private Thread raftThread;

    public RaftNode(RaftNodeConfig config, DurableLog log, Transport transport,
            StateMachine<R> stateMachine) {
        this.config = Objects.requireNonNull(config, "config");
        this.id = config.id();
        this.log = Objects.requireNonNull(log, "log");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.stateMachine = Objects.requireNonNull(stateMachine, "stateMachine");
        this.inbox = new Inbox(config.inboxCapacity());
        this.completer = new Completer(id, config.completionExecutor());
        this.shared = new NodeState(id);
    }

    public long id() {
        return id;
    }

    /** Adds a listener; add it before {@link #start} to see every change. */
    public void addListener(RaftNodeListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Recovers from the durable log and the state machine (on this thread), starts the
     * transport and the raft thread. A node starts once.
     *
     * @throws IllegalStateException when already started or closed, or when the log and
     *     the state machine do not fit together
     */
    public void start() {
        synchronized (lifecycleLock) {
            if (!shared.transition(NodeState.Phase.NEW, NodeState.Phase.STARTING)) {
                throw new IllegalStateException("node " + id + " cannot start: it is "
                        + shared.phase());
            }
            try {
                Recovery.Recovered rec = Recovery.recover(id, log, stateMachine);
                RawNode node = new RawNode(config.coreConfig(rec.applied(),
                        LoggerFactory.getLogger(RawNode.class)), rec.storage());
                long incarnation = config.random().nextLong();
                RaftLoop<R> loop = new RaftLoop<>(config, node, rec, new RaftLoop.Parts<>(log,
                        transport, stateMachine, inbox, completer, listeners), shared,
                        incarnation);
                shared.publish(node.status());
                Thread t = new Thread(loop, "raft-" + id);
                // A node left open must not keep the JVM alive.
                t.setDaemon(true);
                raftThread = t;
                inbox.setConsumer(t);
                transport.start(new NodeInbound());
                shared.set(NodeState.Phase.RUNNING);
                t.start();
                LOG.info("node {} started at applied index {}", id, rec.applied());
            } catch (RuntimeException e) {
                shared.set(NodeState.Phase.STOPPED);
                releaseResources();
                throw e;
            }
        }
    }

    /**
     * Proposes a command. The future completes with the state machine's result once the
     * command is applied on this node (a follower forwards it to the leader).
     */
    public CompletableFuture<R> propose(ByteString command) {
        Objects.requireNonNull(command, "command");
        CompletableFuture<R> future = new CompletableFuture<>();
        if (!listeners.isEmpty()) {
            long startNanos = config.clock().nanoTime();
            future.whenComplete((r, e) -> proposalDone(e == null,
                    config.clock().nanoTime() - startNanos));
        }
        submit(new Input.Propose<>(command, future), future,
                () -> new ProposalDroppedException(id, inboxFull()));
        return future;
    }

    private void proposalDone(boolean committed, long latencyNanos) {
        for (RaftNodeListener l : listeners) {
            try {
                l.onProposalDone(committed, latencyNanos);
            } catch (RuntimeException e) {
                LOG.warn("node {}: a listener failed", id, e);
            }
        }
    }

    /**
     * Asks for a linearizable read. The future completes with the read index once this
     * node has applied up to it: a read of the state machine after that point reflects
     * every write that completed before this call. Each call uses a fresh context.
     */
    public CompletableFuture<Long> readIndex() {
        CompletableFuture<Long> future = new CompletableFuture<>();
        submit(new Input.ReadIndex(future), future,
                () -> new ReadIndexDroppedException(id, inboxFull()));
        return future;
    }

    /**
     * Proposes a membership change, on the leader only (elsewhere it is dropped). The
     * future completes with the configuration after the change once it is applied on this
     * node; a change that enters a joint configuration completes with the joint one, and
     * the leader leaves it on its own unless the transition is explicit.
     */
    public CompletableFuture<ConfState> changeMembership(ConfChangeV2 change) {
        Objects.requireNonNull(change, "change");
        CompletableFuture<ConfState> future = new CompletableFuture<>();
        submit(new Input.ChangeMembership(change, future), future,
                () -> new ProposalDroppedException(id, inboxFull()));
        return future;
    }

    /**
     * Asks the leader to hand leadership to {@code transferee}; watch the outcome through
     * a listener. Returns false when the request could not be queued.
     */
    public boolean transferLeadership(long transferee) {
        if (transferee <= 0) {
            throw new IllegalArgumentException("transferee must be a node id, was " + transferee);
        }
        return offerControl(new Input.TransferLeadership(transferee));
    }

    /** Starts an election now (a pre-vote first, when enabled). */
    public boolean campaign() {
        return offerControl(new Input.Campaign());
    }

    /**
     * Forgets the current leader, so that this node grants a vote at once: useful when the
     * leader is known to be gone. A no-op with lease-based reads.
     */
    public boolean forgetLeader() {
        return offerControl(new Input.ForgetLeader());
    }

    /** The protocol's status as of the raft thread's latest cycle. Thread-safe. */
    public Status status() {
        Status s = shared.status();
        if (s == null) {
            throw new IllegalStateException("node " + id + " is not started");
        }
        return s;
    }

    /**
     * The membership configuration (voters, learners, joint halves) this node has applied
     * most recently. Thread-safe.
     */
    public ConfState confState() {
        ConfState cs = shared.confState();
        if (cs == null) {
            throw new IllegalStateException("node " + id + " is not started");
        }
        return cs;
    }

    /** Whether the raft thread runs (started, not closed, not stopped by an error). */
    public boolean isRunning() {
        return shared.phase() == NodeState.Phase.RUNNING;
    }

    /**
     * Stops the raft thread, fails every pending request with {@link NodeClosedException},
     * and closes the transport and the durable log. Idempotent; returns once the raft
     * thread has finished its cycle (at most one tick plus the work in progress), or at
     * once when called from the raft thread itself.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (lifecycleLock) {
            NodeState.Phase p = shared.phase();
            if (p == NodeState.Phase.NEW) {
                shared.set(NodeState.Phase.STOPPED);
                releaseResources();
                return;
            }
            shared.transition(NodeState.Phase.RUNNING, NodeState.Phase.STOPPING);
            t = raftThread;
        }
        inbox.wake();
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void releaseResources() {
        try {
            transport.close();
        } catch (RuntimeException e) {
            LOG.warn("node {}: closing the transport failed", id, e);
        }
        try {
            log.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("node {}: closing the durable log failed", id, e);
        }
        completer.shutdown();
    }

    private String inboxFull() {
        return "the inbox is full (" + config.inboxCapacity() + " inputs)";
    }

    private <T> void submit(Input input, CompletableFuture<T> future,
            java.util.function.Supplier<RaftNodeException> whenFull) {
        NodeState.Phase p = shared.phase();
        if (p == NodeState.Phase.NEW) {
            throw new IllegalStateException("node " + id + " is not started");
        }
        if (p == NodeState.Phase.STOPPED) {
            future.completeExceptionally(shared.closedException());
            return;
        }
        if (!inbox.offer(input)) {
            future.completeExceptionally(whenFull.get());
            return;
        }
        failIfStopped();
    }

    private boolean offerControl(Input input) {
        if (shared.phase() == NodeState.Phase.NEW) {
            throw new IllegalStateException("node " + id + " is not started");
        }
        return shared.phase() != NodeState.Phase.STOPPED && inbox.offer(input);
    }

    /**
     * The raft thread drains the inbox after it marks the node stopped; an input offered
     * around that moment may have missed that drain, so whoever offers checks again. The
     * phase is atomic and the queue's operations are too, so at least one side sees the
     * input, and poll hands it to exactly one of them.
     */
    private void failIfStopped() {
        if (shared.phase() == NodeState.Phase.STOPPED) {
            failQueued(inbox, completer, shared.closedException());
        }
    }

    /** Fails every request still queued in {@code inbox}. */
    static void failQueued(Inbox inbox, Completer completer, RaftNodeException cause) {
        Input input;
        while ((input = inbox.poll()) != null) {
            if (input instanceof Input.Propose<?> p) {
                completer.fail(p.future(), cause);
            } else if (input instanceof Input.ReadIndex r) {
                completer.fail(r.future(), cause);
            } else if (input instanceof Input.ChangeMembership c) {
                completer.fail(c.future(), cause);
            }
        }
    }

    /** What the transport hands received messages and reports to. */
    private final class NodeInbound implements Transport.Inbound {
        @Override
        public boolean receive(Message message) {
            return shared.phase() != NodeState.Phase.STOPPED
                    && inbox.offer(new Input.Receive(message));
        }

        @Override
        public void reportUnreachable(long peerId) {
            inbox.offer(new Input.Unreachable(peerId));
        }

        @Override
        public void reportSnapshot(long peerId, SnapshotStatus status) {
            inbox.offerUnbounded(new Input.SnapshotReport(peerId, status));
        }
    }
}
