package io.katd.raft.storage.snapshot;

import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.node.SnapshotStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots as files in one directory, one file per snapshot (layout: {@link SnapshotFile}).
 *
 * <p>Installing: a {@link Writer} streams the data into a temporary file of its own
 * (named {@code *.tmp}), computing the CRC32C as it goes. {@link Writer#commit} checks size
 * and CRC32C against what the sender announced, appends the metadata and the trailer,
 * fsyncs the file, renames it into place atomically and fsyncs the directory, so that the
 * new name survives a power loss. Only then are older snapshots deleted. A writer that is
 * aborted, or whose process dies, leaves at most a temporary file, which the next
 * {@link #open} deletes.
 *
 * <p>Checking: opening a snapshot checks its trailer and metadata. The data's CRC32C is
 * checked while it is read: the {@link Reader#read} call that reaches the end of the data
 * fails with a {@link CorruptSnapshotException} instead of returning the last bytes when
 * the data does not match, so a consumer that reads to the end (as installing and sending
 * do) never takes corrupt data for a whole snapshot. Checking at open instead would read
 * every snapshot twice.
 *
 * <p>Thread-safe: writers and readers work on their own files; the set of committed
 * snapshots is guarded by a lock.
 */
public final class FileSnapshotStore implements SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileSnapshotStore.class);

    private final Path directory;
    // Guards `committed` and `latest`, and orders renames and deletions in the directory:
    // writers commit and readers open from any thread.
    private final Object lock = new Object();
    private final TreeSet<SnapshotFile.Id> committed = new TreeSet<>();
    private SnapshotMetadata latest;

    private FileSnapshotStore(Path directory) {
        this.directory = directory;
    }

    /**
     * Opens the store in {@code directory}, creating it if needed. Deletes the temporary
     * files of unfinished writers and every snapshot older than the newest one.
     *
     * @throws CorruptSnapshotException when the newest snapshot's trailer or metadata is
     *     corrupt: an older one is not silently used instead
     */
    public static FileSnapshotStore open(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            fsyncDirectory(directory.toAbsolutePath().getParent());
        }
        FileSnapshotStore store = new FileSnapshotStore(directory);
        store.load();
        return store;
    }

    private void load() throws IOException {
        List<SnapshotFile.Id> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(SnapshotFile.TEMP_SUFFIX)) {
                    LOG.info("deleting {}, left by a snapshot writer that did not finish", f);
                    Files.delete(f);
                } else {
                    SnapshotFile.parseName(name).ifPresentOrElse(found::add,
                            () -> LOG.warn("ignoring {}: not a snapshot file", f));
                }
            }
        }
        if (found.isEmpty()) {
            return;
        }
        SnapshotFile.Id newest = found.stream().max(SnapshotFile.Id::compareTo).orElseThrow();
        Path file = directory.resolve(newest.fileName());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            latest = checkedFooter(file, ch, newest).metadata();
        }
        committed.add(newest);
        deleteOlderThan(newest, found);
    }

    @Override
    public Writer create(SnapshotMetadata metadata) throws IOException {
        if (metadata.getIndex() < 0 || metadata.getTerm() < 0) {
            throw new IllegalArgumentException("snapshot index and term must be >= 0, were "
                    + metadata.getIndex() + " and " + metadata.getTerm());
        }
        Path temp = Files.createTempFile(directory, "snapshot-" + metadata.getIndex() + "-",
                SnapshotFile.TEMP_SUFFIX);
        return new FileWriter(this, metadata, temp);
    }

    @Override
    public Optional<Reader> open(long index, long term) throws IOException {
        SnapshotFile.Id id = new SnapshotFile.Id(index, term);
        Path file = directory.resolve(id.fileName());
        FileChannel ch;
        // Opened under the lock, so that a concurrent commit cannot delete the file in
        // between; once open, a deletion no longer affects this reader.
        synchronized (lock) {
            if (!committed.contains(id)) {
                return Optional.empty();
            }
            try {
                ch = FileChannel.open(file, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                throw new CorruptSnapshotException(file, "committed, but the file is gone");
            }
        }
        try {
            SnapshotFile.Footer footer = checkedFooter(file, ch, id);
            return Optional.of(new FileReader(file, ch, footer));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public Optional<SnapshotMetadata> latest() {
        synchronized (lock) {
            return Optional.ofNullable(latest);
        }
    }

    /** The directory of the store. */
    public Path directory() {
        return directory;
    }

    /**
     * Makes a writer's fsynced temporary file the committed snapshot {@code id}, durably,
     * then deletes the snapshots older than it.
     */
    void install(SnapshotFile.Id id, SnapshotMetadata metadata, Path temp) throws IOException {
        Path target = directory.resolve(id.fileName());
        synchronized (lock) {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(directory);
            committed.add(id);
            if (committed.last().equals(id)) {
                latest = metadata;
            }
            // Deleting is safe now that the new snapshot is durable. A deletion lost in a
            // crash only leaves an older file behind, which the next open deletes.
            deleteOlderThan(id, new ArrayList<>(committed));
        }
        LOG.debug("committed snapshot {} as {}", id, target);
    }

    private void deleteOlderThan(SnapshotFile.Id id, List<SnapshotFile.Id> candidates)
            throws IOException {
        for (SnapshotFile.Id older : candidates) {
            if (older.compareTo(id) < 0) {
                Files.deleteIfExists(directory.resolve(older.fileName()));
                committed.remove(older);
            }
        }
    }

    private static SnapshotFile.Footer checkedFooter(Path file, FileChannel ch,
            SnapshotFile.Id id) throws IOException {
        SnapshotFile.Footer footer = SnapshotFile.readFooter(file, ch);
        if (!SnapshotFile.Id.of(footer.metadata()).equals(id)) {
            throw new CorruptSnapshotException(file, "its metadata says index "
                    + footer.metadata().getIndex() + ", term " + footer.metadata().getTerm());
        }
        return footer;
    }

    /** Makes the directory's entries (a rename, a new file) durable. */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
