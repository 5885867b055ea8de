package io.katd.kv;

/** The request must run on the leader and this node is not it; it had no effect. */
public final class NotLeaderException extends StoreException {
    private static final long serialVersionUID = 1L;

    private final long leaderId;

    public NotLeaderException(String message, long leaderId) {
        super(message + (leaderId == 0 ? " (no leader known)" : " (leader: " + leaderId + ")"),
                null);
        this.leaderId = leaderId;
    }

    /** The leader this node knows of, 0 if none. */
    public long leaderId() {
        return leaderId;
    }
}
