package io.katd.raft.node;

/**
 * Why a request to a {@link RaftNode} failed; the futures the node returns complete
 * exceptionally with one of the subclasses.
 */
public abstract class RaftNodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RaftNodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
