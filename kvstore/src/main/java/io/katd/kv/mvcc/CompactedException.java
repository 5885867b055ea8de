package io.katd.kv.mvcc;

/** A read or compaction asked for a revision that compaction has already removed. */
public final class CompactedException extends RuntimeException {

    private final long requestedRevision;
    private final long compactRevision;

    public CompactedException(long requestedRevision, long compactRevision) {
        super("revision " + requestedRevision + " has been compacted; the store is compacted"
                + " up to revision " + compactRevision);
        this.requestedRevision = requestedRevision;
        this.compactRevision = compactRevision;
    }

    public long requestedRevision() {
        return requestedRevision;
    }

    public long compactRevision() {
        return compactRevision;
    }
}
