package io.katd.raft.node;

import io.katd.proto.raft.SnapshotMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The snapshot files of one node, written and read in chunks so that a snapshot larger
 * than memory can be streamed between peers. The transport streams a leader's snapshot
 * out of its store and into the follower's; the state machine writes the snapshots it
 * takes and restores from the one it is told to install.
 *
 * <p>Atomicity: a snapshot becomes visible only through {@link Writer#commit}, after its
 * length and CRC32C were checked and its bytes made durable; a writer that is aborted, or
 * whose process dies, leaves nothing that {@link #open} or {@link #latest} would return.
 *
 * <p>Threading: implementations are thread-safe; each Writer and Reader is used by one
 * thread at a time.
 */
public interface SnapshotStore {

    /** Starts a new snapshot described by {@code metadata}; invisible until committed. */
    Writer create(SnapshotMetadata metadata) throws IOException;

    /** The committed snapshot with this index and term, if the store has it. */
    Optional<Reader> open(long index, long term) throws IOException;

    /** The metadata of the newest committed snapshot, if any. */
    Optional<SnapshotMetadata> latest() throws IOException;

    /** A snapshot being written. */
    interface Writer extends AutoCloseable {
        SnapshotMetadata metadata();

        /** Appends the chunk's remaining bytes. */
        void write(ByteBuffer chunk) throws IOException;

        /**
         * Makes the snapshot durable and visible at once, if the bytes written have the
         * expected length and CRC32C; otherwise fails with an IOException naming what
         * differed and leaves nothing behind. Older snapshots may be deleted afterwards.
         */
        void commit(long expectedSizeBytes, int expectedCrc32c) throws IOException;

        /** Discards everything written; idempotent, and a no-op after commit. */
        void abort();

        /** Aborts unless committed. */
        @Override
        void close();
    }

    /** A committed snapshot being read. */
    interface Reader extends AutoCloseable {
        SnapshotMetadata metadata();

        long sizeBytes();

        /** The CRC32C of the whole snapshot, as recorded when it was committed. */
        int crc32c();

        /** Reads the next bytes into {@code dst}; returns how many, or -1 at the end. */
        int read(ByteBuffer dst) throws IOException;

        @Override
        void close() throws IOException;
    }
}
