package io.katd.raft.node;

/**
 * The node is closed or stopped after a fatal error (the cause, e.g. a failed durable
 * write), so the request was not completed. The outcome of a proposal that was already
 * accepted is unknown.
 */
public final class NodeClosedException extends RaftNodeException {
    private static final long serialVersionUID = 1L;

    NodeClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
