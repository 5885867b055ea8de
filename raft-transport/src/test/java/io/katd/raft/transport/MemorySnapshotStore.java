package io.katd.raft.transport;

import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.node.SnapshotStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * A snapshot store in memory, for tests: committed snapshots by (index, term). It counts
 * writers created, committed and aborted, remembers the largest chunk written, and can
 * run a hook before each write (to hold a stream half-way).
 */
final class MemorySnapshotStore implements SnapshotStore {
    /** Called on the writing thread before each chunk, with the bytes written so far. */
    interface WriteHook {
        void beforeWrite(long writtenBytes) throws IOException;
    }

    private record Key(long index, long term) {}

    private record Stored(SnapshotMetadata metadata, byte[] data, int crc32c) {}

    // Guarded by itself: writers commit from snapshot threads while tests read.
    private final Map<Key, Stored> committed = new HashMap<>();
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger commits = new AtomicInteger();
    final AtomicInteger aborts = new AtomicInteger();
    final AtomicLong largestWriteBytes = new AtomicLong();
    volatile WriteHook hook = written -> { };

    /** Stores a committed snapshot directly, as its owner would have. */
    void put(SnapshotMetadata metadata, byte[] data) {
        put(metadata, data, crc(data));
    }

    /** Stores a snapshot whose recorded CRC32C is {@code crc32c}, right or not. */
    void put(SnapshotMetadata metadata, byte[] data, int crc32c) {
        synchronized (committed) {
            committed.put(new Key(metadata.getIndex(), metadata.getTerm()),
                    new Stored(metadata, data.clone(), crc32c));
        }
    }

    /** The bytes of a committed snapshot, if any. */
    Optional<byte[]> data(long index, long term) {
        synchronized (committed) {
            Stored s = committed.get(new Key(index, term));
            return s == null ? Optional.empty() : Optional.of(s.data().clone());
        }
    }

    int size() {
        synchronized (committed) {
            return committed.size();
        }
    }

    /** Writers neither committed nor aborted. */
    int openWriters() {
        return created.get() - commits.get() - aborts.get();
    }

    static int crc(byte[] data) {
        CRC32C c = new CRC32C();
        c.update(data);
        return (int) c.getValue();
    }

    @Override
    public Writer create(SnapshotMetadata metadata) {
        created.incrementAndGet();
        return new MemoryWriter(metadata);
    }

    @Override
    public Optional<Reader> open(long index, long term) {
        synchronized (committed) {
            Stored s = committed.get(new Key(index, term));
            return s == null ? Optional.empty() : Optional.of(new MemoryReader(s));
        }
    }

    @Override
    public Optional<SnapshotMetadata> latest() {
        synchronized (committed) {
            return committed.values().stream().map(Stored::metadata)
                    .max(Comparator.comparingLong(SnapshotMetadata::getIndex));
        }
    }

    private final class MemoryWriter implements Writer {
        private final SnapshotMetadata metadata;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean done;

        MemoryWriter(SnapshotMetadata metadata) {
            this.metadata = metadata;
        }

        @Override
        public SnapshotMetadata metadata() {
            return metadata;
        }

        @Override
        public void write(ByteBuffer chunk) throws IOException {
            if (done) {
                throw new IOException("writer is finished");
            }
            hook.beforeWrite(bytes.size());
            largestWriteBytes.accumulateAndGet(chunk.remaining(), Math::max);
            byte[] b = new byte[chunk.remaining()];
            chunk.get(b);
            bytes.write(b, 0, b.length);
        }

        @Override
        public void commit(long expectedSizeBytes, int expectedCrc32c) throws IOException {
            byte[] data = bytes.toByteArray();
            if (data.length != expectedSizeBytes) {
                abort();
                throw new IOException("size mismatch: expected " + expectedSizeBytes + ", got "
                        + data.length);
            }
            if (crc(data) != expectedCrc32c) {
                abort();
                throw new IOException("CRC32C mismatch: expected " + expectedCrc32c + ", got "
                        + crc(data));
            }
            done = true;
            put(metadata, data);
            commits.incrementAndGet();
        }

        @Override
        public void abort() {
            if (!done) {
                done = true;
                aborts.incrementAndGet();
            }
        }

        @Override
        public void close() {
            abort();
        }
    }

    private static final class MemoryReader implements Reader {
        private final Stored stored;
        private int position;

        MemoryReader(Stored stored) {
            this.stored = stored;
        }

        @Override
        public SnapshotMetadata metadata() {
            return stored.metadata();
        }

        @Override
        public long sizeBytes() {
            return stored.data().length;
        }

        @Override
        public int crc32c() {
            return stored.crc32c();
        }

        @Override
        public int read(ByteBuffer dst) {
            if (position == stored.data().length) {
                return -1;
            }
            int n = Math.min(dst.remaining(), stored.data().length - position);
            dst.put(Arrays.copyOfRange(stored.data(), position, position + n));
            position += n;
            return n;
        }

        @Override
        public void close() {}
    }
}
