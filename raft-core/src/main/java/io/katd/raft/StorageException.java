package io.katd.raft;

/**
 * An expected answer of {@link Storage} that the protocol handles: the requested entries
 * were compacted away, are not there yet, or a snapshot is being prepared. Any other
 * failure to read storage is fatal and surfaces as an unchecked exception of its own.
 */
public abstract class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StorageException(String message) {
        super(message, null, false, false);
    }

    /** The requested index is below the first index: it was compacted into a snapshot. */
    public static final class Compacted extends StorageException {
        private static final long serialVersionUID = 1L;

        public Compacted(long index, long firstIndex) {
            super("index " + index + " is compacted; first index is " + firstIndex);
        }
    }

    /** The requested index is beyond the last index. */
    public static final class Unavailable extends StorageException {
        private static final long serialVersionUID = 1L;

        public Unavailable(long index, long lastIndex) {
            super("index " + index + " is unavailable; last index is " + lastIndex);
        }
    }

    /** A snapshot is being prepared; the leader asks again on a later append attempt. */
    public static final class SnapshotTemporarilyUnavailable extends StorageException {
        private static final long serialVersionUID = 1L;

        public SnapshotTemporarilyUnavailable() {
            super("snapshot is temporarily unavailable");
        }
    }
}
