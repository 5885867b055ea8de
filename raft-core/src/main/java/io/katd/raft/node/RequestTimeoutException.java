package io.katd.raft.node;

/**
 * A request did not complete within {@link RaftNodeConfig#requestTimeout()}, for instance
 * because a forwarded proposal was lost on the way to the leader. For a proposal or
 * membership change the outcome is unknown: it may still be applied later.
 */
public final class RequestTimeoutException extends RaftNodeException {
    private static final long serialVersionUID = 1L;

    RequestTimeoutException(String message) {
        super(message, null);
    }
}
