package io.katd.kv.mvcc;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An ordered byte-key store: the persistence under {@link MvccStore}.
 *
 * <p>Keys are ordered as unsigned bytes, lexicographically (RocksDB's default comparator), so
 * big-endian numbers sort numerically. Writes happen only through atomic {@link BackendBatch}es:
 * after a crash either the whole batch is visible or none of it. A backend need not make writes
 * durable (no fsync): the Raft log is the durable record, and the MVCC store writes the applied
 * Raft index in the same batch as the data, so a restart replays exactly what was lost.
 *
 * <p>Not thread-safe: one owner thread, like the {@link MvccStore} above it. Methods that touch
 * files or RocksDB throw {@link IOException}; after a failed {@link #write} the caller must treat
 * the node as failed and stop, never retry. Every method except {@link #close} throws
 * {@link IllegalStateException} once the backend is closed.
 */
public interface Backend extends AutoCloseable {

    /** Returns the value stored under {@code key}, or {@code null} when there is none. */
    byte[] get(byte[] key) throws IOException;

    /**
     * Visits the entries with {@code fromInclusive <= key < toExclusive} in ascending key order
     * until the visitor returns false. A null {@code toExclusive} means no upper bound. The
     * visitor must not write to this backend.
     */
    void scan(byte[] fromInclusive, byte[] toExclusive, EntryVisitor visitor) throws IOException;

    /** Applies every mutation of {@code batch}, in order, atomically. */
    void write(BackendBatch batch) throws IOException;

    /**
     * Writes a consistent copy of the current contents into {@code dir}, which must not exist
     * yet; its parent must. The copy stays valid after this backend changes or closes.
     */
    void checkpoint(Path dir) throws IOException;

    /**
     * Replaces the whole contents with those of a checkpoint that a backend of the same kind
     * wrote into {@code dir}. Atomic: on failure, the previous contents remain. {@code dir} is
     * read, never modified; the caller may delete it afterwards.
     */
    void restore(Path dir) throws IOException;

    /** Releases the backend's resources; idempotent. */
    @Override
    void close();

    /** Receives entries from {@link #scan}. */
    @FunctionalInterface
    interface EntryVisitor {
        /** Returns true to continue with the next entry, false to stop the scan. */
        boolean visit(byte[] key, byte[] value) throws IOException;
    }
}
