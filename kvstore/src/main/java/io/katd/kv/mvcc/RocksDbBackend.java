package io.katd.kv.mvcc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rocksdb.Checkpoint;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link Backend}: one RocksDB instance in the default column family.
 *
 * <p>Writes go through the write-ahead log without fsync: a process crash loses nothing, a
 * machine crash may lose a suffix of batches, which the Raft log replays because the applied
 * index is part of every batch.
 *
 * <p>The root directory holds RocksDB in a generation subdirectory ({@code db-000001}, ...)
 * named by the file {@code ACTIVE}. {@link #restore} copies a checkpoint into the next
 * generation, opens it, and then replaces {@code ACTIVE} with an atomic rename: a crash at any
 * point leaves {@code ACTIVE} naming a complete database, and {@link #open} deletes whatever
 * generation it does not name.
 */
public final class RocksDbBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDbBackend.class);

    static final String ACTIVE_FILE = "ACTIVE";
    private static final String ACTIVE_TEMP_FILE = "ACTIVE.tmp";
    private static final Pattern GENERATION = Pattern.compile("db-(\\d{6})");

    static {
        RocksDB.loadLibrary();
    }

    private final Path root;
    private final Options options;
    private final WriteOptions writeOptions;
    // Invariant: db is open on root/generationName(generation), which ACTIVE names.
    private RocksDB db;
    private long generation;
    private boolean closed;

    private RocksDbBackend(Path root, Options options, WriteOptions writeOptions, RocksDB db,
            long generation) {
        this.root = root;
        this.options = options;
        this.writeOptions = writeOptions;
        this.db = db;
        this.generation = generation;
    }

    /** Opens the backend under {@code root}, creating an empty one if there is none. */
    public static RocksDbBackend open(Path root) throws IOException {
        Files.createDirectories(root);
        long generation = readActiveGeneration(root);
        if (generation == 0) {
            generation = 1;
            writeActive(root, generation);
        }
        deleteOtherGenerations(root, generation);
        Options options = new Options()
                .setCreateIfMissing(true)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2);
        // No fsync: the Raft log is the durable record (see the class comment).
        WriteOptions writeOptions = new WriteOptions().setSync(false);
        try {
            RocksDB db = openDb(options, root.resolve(generationName(generation)));
            return new RocksDbBackend(root, options, writeOptions, db, generation);
        } catch (IOException | RuntimeException e) {
            writeOptions.close();
            options.close();
            throw e;
        }
    }

    private static RocksDB openDb(Options options, Path dir) throws IOException {
        try {
            return RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            throw new IOException("cannot open RocksDB in " + dir + ": " + e.getMessage(), e);
        }
    }

    static String generationName(long generation) {
        return String.format("db-%06d", generation);
    }

    /** Returns the generation that ACTIVE names, or 0 for a fresh root. */
    private static long readActiveGeneration(Path root) throws IOException {
        Path active = root.resolve(ACTIVE_FILE);
        if (!Files.exists(active)) {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(root, "db-*")) {
                if (children.iterator().hasNext()) {
                    throw new IOException("RocksDB backend root " + root
                            + " has database directories but no " + ACTIVE_FILE + " file");
                }
            }
            return 0;
        }
        String name = Files.readString(active, StandardCharsets.US_ASCII).trim();
        Matcher matcher = GENERATION.matcher(name);
        if (!matcher.matches()) {
            throw new IOException("corrupt " + active + ": '" + name + "'");
        }
        return Long.parseLong(matcher.group(1));
    }

    private static void writeActive(Path root, long generation) throws IOException {
        Path temp = root.resolve(ACTIVE_TEMP_FILE);
        byte[] content = (generationName(generation) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(content));
            channel.force(true);
        }
        Files.move(temp, root.resolve(ACTIVE_FILE), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        Directories.fsyncDirectory(root);
    }

    /** Removes what an interrupted restore left behind. */
    private static void deleteOtherGenerations(Path root, long generation) throws IOException {
        Files.deleteIfExists(root.resolve(ACTIVE_TEMP_FILE));
        String keep = generationName(generation);
        try (DirectoryStream<Path> children = Files.newDirectoryStream(root, "db-*")) {
            for (Path child : children) {
                if (!child.getFileName().toString().equals(keep)) {
                    LOG.info("deleting stale RocksDB generation {}", child);
                    Directories.deleteRecursively(child);
                }
            }
        }
    }

    @Override
    public byte[] get(byte[] key) throws IOException {
        requireOpen();
        try {
            return db.get(key);
        } catch (RocksDBException e) {
            throw new IOException("RocksDB get failed in " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void scan(byte[] fromInclusive, byte[] toExclusive, EntryVisitor visitor)
            throws IOException {
        requireOpen();
        // The bound slice must outlive the iterator, hence the resource order.
        try (Slice upperBound = toExclusive == null ? null : new Slice(toExclusive);
             ReadOptions readOptions = new ReadOptions()) {
            if (upperBound != null) {
                readOptions.setIterateUpperBound(upperBound);
            }
            try (RocksIterator iterator = db.newIterator(readOptions)) {
                for (iterator.seek(fromInclusive); iterator.isValid(); iterator.next()) {
                    if (!visitor.visit(iterator.key(), iterator.value())) {
                        return;
                    }
                }
                iterator.status();
            }
        } catch (RocksDBException e) {
            throw new IOException("RocksDB scan failed in " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(BackendBatch batch) throws IOException {
        requireOpen();
        try (WriteBatch writeBatch = new WriteBatch()) {
            for (BackendBatch.Mutation mutation : batch.mutations()) {
                if (mutation.isDelete()) {
                    writeBatch.delete(mutation.key());
                } else {
                    writeBatch.put(mutation.key(), mutation.value());
                }
            }
            db.write(writeOptions, writeBatch);
        } catch (RocksDBException e) {
            throw new IOException("RocksDB write of " + batch.size() + " mutations failed in "
                    + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void checkpoint(Path dir) throws IOException {
        requireOpen();
        Directories.requireAbsent(dir);
        try (Checkpoint checkpoint = Checkpoint.create(db)) {
            checkpoint.createCheckpoint(dir.toAbsolutePath().toString());
        } catch (RocksDBException e) {
            throw new IOException("RocksDB checkpoint into " + dir + " failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void restore(Path dir) throws IOException {
        requireOpen();
        if (!Files.isRegularFile(dir.resolve("CURRENT"))) {
            throw new IOException("not a RocksDB checkpoint (no CURRENT file): " + dir);
        }
        long next = generation + 1;
        Path target = root.resolve(generationName(next));
        Directories.deleteRecursively(target);
        Directories.copyRecursively(dir, target);
        RocksDB restored;
        try {
            restored = openDb(options, target);
        } catch (IOException e) {
            Directories.deleteRecursively(target);
            throw e;
        }
        try {
            writeActive(root, next);
        } catch (IOException e) {
            restored.close();
            Directories.deleteRecursively(target);
            throw e;
        }
        RocksDB previous = db;
        Path previousDir = root.resolve(generationName(generation));
        db = restored;
        generation = next;
        previous.close();
        try {
            Directories.deleteRecursively(previousDir);
        } catch (IOException e) {
            // The restore itself succeeded; open() removes the stale generation next time.
            LOG.warn("cannot delete replaced RocksDB generation {}", previousDir, e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        db.close();
        writeOptions.close();
        options.close();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("RocksDB backend is closed: " + root);
        }
    }

    @Override
    public String toString() {
        return "RocksDbBackend[" + root.resolve(generationName(generation)) + "]";
    }
}
