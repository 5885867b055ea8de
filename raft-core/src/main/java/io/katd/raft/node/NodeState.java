package io.katd.raft.node;

import io.katd.proto.raft.ConfState;
import io.katd.raft.Status;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the raft thread and the callers' threads share about a node: its lifecycle, the
 * latest published {@link Status} and the error that stopped it, if any. Everything here
 * is atomic or volatile; nothing else of the node crosses threads except through the
 * inbox and the completion executor.
 */
final class NodeState {
    enum Phase { NEW, STARTING, RUNNING, STOPPING, STOPPED }

    private final long id;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.NEW);
    // Written by the raft thread after each cycle that changed something; read by callers
    // of RaftNode.status(). Volatile so a reader sees a fully built, recent snapshot.
    private volatile Status status;
    // The configuration as applied by the raft thread (recovery, snapshot install, conf
    // change); read by RaftNode.confState().
    private volatile ConfState confState;
    // The error that stopped the raft thread; written once before the phase becomes
    // STOPPED, so a reader that sees STOPPED sees it too.
    private volatile Throwable failure;

    NodeState(long id) {
        this.id = id;
    }

    Phase phase() {
        return phase.get();
    }

    boolean transition(Phase from, Phase to) {
        return phase.compareAndSet(from, to);
    }

    void set(Phase to) {
        phase.set(to);
    }

    boolean stopRequested() {
        return phase.get() != Phase.RUNNING;
    }

    void publish(Status s) {
        status = s;
    }

    Status status() {
        return status;
    }

    void publishConfState(ConfState cs) {
        confState = cs;
    }

    ConfState confState() {
        return confState;
    }

    void fail(Throwable t) {
        failure = t;
    }

    /** The exception that requests fail with once the node no longer runs. */
    NodeClosedException closedException() {
        Throwable t = failure;
        if (t == null) {
            return new NodeClosedException("node " + id + " is closed", null);
        }
        return new NodeClosedException("node " + id + " stopped after a fatal error: " + t, t);
    }
}
