package io.katd.kv;

/** The requested revision is at or below the compacted revision; its history is gone. */
public final class CompactedRevisionException extends StoreException {
    private static final long serialVersionUID = 1L;

    private final long compactRevision;

    public CompactedRevisionException(String message, long compactRevision) {
        super(message, null);
        this.compactRevision = compactRevision;
    }

    public long compactRevision() {
        return compactRevision;
    }
}
