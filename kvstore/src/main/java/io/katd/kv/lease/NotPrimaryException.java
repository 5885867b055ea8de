package io.katd.kv.lease;

/**
 * A keep-alive or time-to-live question reached a node whose {@link LeaseExpiry} is not
 * promoted: only the leader tracks deadlines. The caller forwards to the leader or retries.
 */
public final class NotPrimaryException extends RuntimeException {

    public NotPrimaryException() {
        super("lease deadlines are tracked by the leader only, and this node is not acting as"
                + " leader");
    }
}
