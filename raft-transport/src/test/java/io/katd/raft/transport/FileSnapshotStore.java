package io.katd.raft.transport;

import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.node.SnapshotStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A snapshot store on disk, for tests with snapshots larger than the test's heap: a
 * writer appends to a temporary file and renames it on commit; an abort deletes it. The
 * recorded sizes and CRCs live in memory (enough for a test).
 */
final class FileSnapshotStore implements SnapshotStore {
    private record Key(long index, long term) {}

    private record Stored(SnapshotMetadata metadata, Path file, long sizeBytes, int crc32c) {}

    private final Path dir;
    // Guarded by itself: writers commit from snapshot threads while tests read.
    private final Map<Key, Stored> committed = new HashMap<>();
    private final AtomicLong tempFiles = new AtomicLong();
    final AtomicLong largestWriteBytes = new AtomicLong();

    FileSnapshotStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /**
     * Writes a committed snapshot of {@code sizeBytes} pseudo-random bytes drawn from
     * {@code seed}, a megabyte at a time; returns its CRC32C.
     */
    int generate(SnapshotMetadata metadata, long sizeBytes, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        CRC32C crc = new CRC32C();
        Path file = dir.resolve(name(metadata));
        byte[] block = new byte[1 << 20];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            for (long left = sizeBytes; left > 0; left -= block.length) {
                int n = (int) Math.min(block.length, left);
                random.nextBytes(block);
                crc.update(block, 0, n);
                ByteBuffer b = ByteBuffer.wrap(block, 0, n);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        }
        int c = (int) crc.getValue();
        synchronized (committed) {
            committed.put(key(metadata), new Stored(metadata, file, sizeBytes, c));
        }
        return c;
    }

    /** The recorded CRC32C of a committed snapshot. */
    Optional<Integer> crc32c(long index, long term) {
        synchronized (committed) {
            Stored s = committed.get(new Key(index, term));
            return s == null ? Optional.empty() : Optional.of(s.crc32c());
        }
    }

    /** Computes the CRC32C of a committed snapshot's file, reading it in chunks. */
    int crcOfFile(long index, long term) throws IOException {
        Stored s;
        synchronized (committed) {
            s = committed.get(new Key(index, term));
        }
        CRC32C crc = new CRC32C();
        ByteBuffer b = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.READ)) {
            while (ch.read(b) >= 0) {
                b.flip();
                crc.update(b);
                b.clear();
            }
        }
        return (int) crc.getValue();
    }

    /** Every file in the store's directory, temporary ones included. */
    long fileCount() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    private static Key key(SnapshotMetadata md) {
        return new Key(md.getIndex(), md.getTerm());
    }

    private static String name(SnapshotMetadata md) {
        return "snap-" + md.getIndex() + "-" + md.getTerm();
    }

    @Override
    public Writer create(SnapshotMetadata metadata) throws IOException {
        Path temp = dir.resolve(name(metadata) + ".tmp" + tempFiles.incrementAndGet());
        return new FileWriter(metadata, temp);
    }

    @Override
    public Optional<Reader> open(long index, long term) throws IOException {
        Stored s;
        synchronized (committed) {
            s = committed.get(new Key(index, term));
        }
        if (s == null) {
            return Optional.empty();
        }
        FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.READ);
        return Optional.of(new FileReader(s, ch));
    }

    @Override
    public Optional<SnapshotMetadata> latest() {
        synchronized (committed) {
            return committed.values().stream().map(Stored::metadata)
                    .max(Comparator.comparingLong(SnapshotMetadata::getIndex));
        }
    }

    private final class FileWriter implements Writer {
        private final SnapshotMetadata metadata;
        private final Path temp;
        private final FileChannel ch;
        private final CRC32C crc = new CRC32C();
        private long sizeBytes;
        private boolean done;

        FileWriter(SnapshotMetadata metadata, Path temp) throws IOException {
            this.metadata = metadata;
            this.temp = temp;
            this.ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        }

        @Override
        public SnapshotMetadata metadata() {
            return metadata;
        }

        @Override
        public void write(ByteBuffer chunk) throws IOException {
            largestWriteBytes.accumulateAndGet(chunk.remaining(), Math::max);
            crc.update(chunk.duplicate());
            while (chunk.hasRemaining()) {
                sizeBytes += ch.write(chunk);
            }
        }

        @Override
        public void commit(long expectedSizeBytes, int expectedCrc32c) throws IOException {
            int actual = (int) crc.getValue();
            if (sizeBytes != expectedSizeBytes || actual != expectedCrc32c) {
                abort();
                throw new IOException("expected " + expectedSizeBytes + " bytes with CRC32C "
                        + expectedCrc32c + ", got " + sizeBytes + " bytes with " + actual);
            }
            ch.force(true);
            ch.close();
            Path file = dir.resolve(name(metadata));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            done = true;
            synchronized (committed) {
                committed.put(key(metadata), new Stored(metadata, file, sizeBytes, actual));
            }
        }

        @Override
        public void abort() {
            if (done) {
                return;
            }
            done = true;
            try {
                ch.close();
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            abort();
        }
    }

    private static final class FileReader implements Reader {
        private final Stored stored;
        private final FileChannel ch;

        FileReader(Stored stored, FileChannel ch) {
            this.stored = stored;
            this.ch = ch;
        }

        @Override
        public SnapshotMetadata metadata() {
            return stored.metadata();
        }

        @Override
        public long sizeBytes() {
            return stored.sizeBytes();
        }

        @Override
        public int crc32c() {
            return stored.crc32c();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return ch.read(dst);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
