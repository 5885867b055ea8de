package io.katd.kv.mvcc;

/** A read or compaction asked for a revision beyond the store's current revision. */
public final class FutureRevisionException extends RuntimeException {

    private final long requestedRevision;
    private final long currentRevision;

    public FutureRevisionException(long requestedRevision, long currentRevision) {
        super("revision " + requestedRevision + " is a future revision; the current revision"
                + " is " + currentRevision);
        this.requestedRevision = requestedRevision;
        this.currentRevision = currentRevision;
    }

    public long requestedRevision() {
        return requestedRevision;
    }

    public long currentRevision() {
        return currentRevision;
    }
}
