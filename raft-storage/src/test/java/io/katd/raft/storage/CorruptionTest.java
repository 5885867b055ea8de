package io.katd.raft.storage;

import static io.katd.raft.storage.Logs.VOTERS;
import static io.katd.raft.storage.Logs.entries;
import static io.katd.raft.storage.Logs.hs;
import static io.katd.raft.storage.Logs.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDBException;

/**
 * A log whose stored bytes were damaged must refuse to open (or to serve the damaged
 * entry) with a {@link CorruptLogException} naming the directory and, where it can, the
 * index: never hand out wrong data. Damage is done through the raw RocksDB API (to hit our
 * own checks) and by flipping bytes in RocksDB's files (to hit its block and record
 * checksums).
 */
class CorruptionTest {
    private static final long LAST = 50;

    @TempDir
    Path temp;

    private Path dir;
    private int logs;

    /**
     * A log of entries 2..LAST at term 2 in runs of ten (2..11, 12..21, 22..31, 32..41) and
     * 42..50, committed up to 40, closed.
     */
    private void writeLog() throws IOException {
        dir = temp.resolve("log" + logs++);
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            log.bootstrap(VOTERS);
            for (long first = 2; first <= LAST; first += 10) {
                log.persist(ready(hs(2, Math.min(first + 9, 40)),
                        entries(first, Math.min(first + 9, LAST), 2), true));
            }
        }
    }

    /** Where the serialized entry at {@code index} ends in the value of a run from first. */
    private static int entryEnd(long first, long index) {
        int at = Codec.RUN_HEADER_BYTES;
        for (long i = first; i <= index; i++) {
            at += Codec.framedSize(Logs.entry(i, 2));
        }
        return at;
    }

    @FunctionalInterface
    private interface RawEdit {
        void apply(RocksHandles h) throws RocksDBException;
    }

    private void editRaw(RawEdit edit) throws IOException, RocksDBException {
        try (RocksHandles h = RocksHandles.open(dir)) {
            edit.apply(h);
        }
    }

    private CorruptLogException openFails() {
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            return fail("opened a corrupt log: entries " + log.firstIndex() + ".."
                    + log.lastIndex());
        } catch (CorruptLogException e) {
            assertThat(e.directory()).isEqualTo(dir);
            assertThat(e.getMessage()).contains(dir.toString());
            return e;
        } catch (IOException e) {
            return fail("expected a CorruptLogException", e);
        }
    }

    @Test
    void theUndamagedLogOpens() throws Exception {
        writeLog();
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            assertThat(log.entries(2, LAST + 1, Long.MAX_VALUE)).isEqualTo(entries(2, LAST, 2));
        }
        editRaw(h -> assertThat(h.db.get(h.entries, Codec.indexKey(21)))
                .isEqualTo(Codec.encodeRun(entries(12, 21, 2))));
    }

    @Test
    void anEntryWhoseBytesChangedFailsItsChecksum() throws Exception {
        writeLog();
        editRaw(h -> {
            byte[] v = h.db.get(h.entries, Codec.indexKey(21));
            v[entryEnd(12, 20) - 3] ^= 0x01;
            h.db.put(h.entries, Codec.indexKey(21), v);
        });
        CorruptLogException e = openFails();
        assertThat(e.index()).isEqualTo(20);
        assertThat(e.getMessage()).contains("at index 20").contains("CRC32C mismatch");
    }

    @Test
    void aDamagedRunHeaderIsRefused() throws Exception {
        writeLog();
        // The last byte of the count: the run claims 11 entries, 11..21 or 12..22.
        editRaw(h -> {
            byte[] v = h.db.get(h.entries, Codec.indexKey(21));
            v[Codec.RUN_HEADER_BYTES - 1] ^= 0x01;
            h.db.put(h.entries, Codec.indexKey(21), v);
        });
        CorruptLogException e = openFails();
        assertThat(e.index()).isEqualTo(21);
        assertThat(e.getMessage())
                .contains("the run stored under index 21 has a header for entries 12..22");
        // The layout version.
        writeLog();
        editRaw(h -> {
            byte[] v = h.db.get(h.entries, Codec.indexKey(31));
            v[0] ^= 0x10;
            h.db.put(h.entries, Codec.indexKey(31), v);
        });
        assertThat(openFails().getMessage()).contains("at index 31: the run value has layout"
                + " version 17, expected 1");
    }

    @Test
    void aRunUnderAnotherKeyIsRefused() throws Exception {
        writeLog();
        editRaw(h -> h.db.put(h.entries, Codec.indexKey(21),
                h.db.get(h.entries, Codec.indexKey(31))));
        CorruptLogException e = openFails();
        assertThat(e.index()).isEqualTo(21);
        assertThat(e.getMessage()).contains("stored under index 21 has a header for entries"
                + " 22..31");
    }

    @Test
    void anEntryInAnotherPlaceOfItsRunIsRefused() throws Exception {
        writeLog();
        List<Entry> ents = new ArrayList<>(entries(12, 21, 2));
        ents.set(8, Logs.entry(21, 2));
        editRaw(h -> h.db.put(h.entries, Codec.indexKey(21), Codec.encodeRun(ents)));
        CorruptLogException e = openFails();
        assertThat(e.index()).isEqualTo(20);
        assertThat(e.getMessage()).contains("the run 12..21 holds entry 21 where entry 20"
                + " belongs");
    }

    @Test
    void aGapBetweenRunsIsRefused() throws Exception {
        writeLog();
        editRaw(h -> h.db.delete(h.entries, Codec.indexKey(31)));
        CorruptLogException e = openFails();
        assertThat(e.index()).isEqualTo(22);
        assertThat(e.getMessage()).contains("entries 22..31 are missing: the next stored run"
                + " holds entries 32..41");
    }

    @Test
    void overlappingRunsAreRefused() throws Exception {
        writeLog();
        editRaw(h -> h.db.put(h.entries, Codec.indexKey(35),
                Codec.encodeRun(entries(25, 35, 2))));
        CorruptLogException e = openFails();
        assertThat(e.index()).isEqualTo(25);
        assertThat(e.getMessage()).contains("the stored run of entries 25..35 overlaps the run"
                + " before it, which ends at 31");
    }

    @Test
    void anEntryBelowTheFirstIndexIsRefused() throws Exception {
        writeLog();
        editRaw(h -> h.db.put(h.entries, Codec.indexKey(1),
                Codec.encodeRun(List.of(Logs.entry(1, 1)))));
        assertThat(openFails().getMessage())
                .contains("found entries 1..1 below the first index 2");
    }

    /**
     * Compaction inside a run leaves its head on disk; the head is still checked, and the
     * entry at the offset must have the term the first index record gives.
     */
    @Test
    void theCompactedHeadOfTheFirstRunMustAgreeWithTheFirstIndexRecord() throws Exception {
        writeLog();
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            log.createSnapshot(30, VOTERS, ByteString.EMPTY);
            log.compact(25);
        }
        editRaw(h -> h.db.put(h.meta, Codec.FIRST_INDEX_KEY, Codec.encodeLongs(26, 1)));
        CorruptLogException e = openFails();
        assertThat(e.index()).isEqualTo(25);
        assertThat(e.getMessage()).contains("the compacted entry at the offset has term 2,"
                + " the first index record says 1");

        writeLog();
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            log.createSnapshot(30, VOTERS, ByteString.EMPTY);
            log.compact(25);
        }
        editRaw(h -> {
            byte[] v = h.db.get(h.entries, Codec.indexKey(31));
            v[entryEnd(22, 23) - 1] ^= 0x01;
            h.db.put(h.entries, Codec.indexKey(31), v);
        });
        assertThat(openFails().getMessage()).contains("at index 23: CRC32C mismatch");
    }

    @Test
    void aCommitIndexBeyondTheLastEntryIsRefused() throws Exception {
        writeLog();
        editRaw(h -> h.db.put(h.meta, Codec.HARD_STATE_KEY,
                Codec.seal(hs(2, LAST + 1).toByteArray())));
        CorruptLogException e = openFails();
        assertThat(e.index()).isEqualTo(LAST + 1);
        assertThat(e.getMessage()).contains("commit index 51 is beyond the last index 50");
    }

    @Test
    void aTruncatedTailBelowTheCommitIndexIsRefused() throws Exception {
        writeLog();
        editRaw(h -> h.db.deleteRange(h.entries, Codec.indexKey(35), Codec.indexKey(LAST + 1)));
        assertThat(openFails().getMessage())
                .contains("commit index 40 is beyond the last index 31");
    }

    @Test
    void snapshotMetadataBeyondTheEntriesIsRefused() throws Exception {
        writeLog();
        Snapshot snap = Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder()
                .setIndex(LAST + 10).setTerm(2).setConfState(VOTERS)).build();
        editRaw(h -> h.db.put(h.meta, Codec.SNAPSHOT_KEY, Codec.seal(snap.toByteArray())));
        assertThat(openFails().getMessage())
                .contains("snapshot's index 60 is beyond the last index 50");
    }

    @Test
    void snapshotMetadataWithAnotherTermIsRefused() throws Exception {
        writeLog();
        Snapshot snap = Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder()
                .setIndex(30).setTerm(3).setConfState(VOTERS)).build();
        editRaw(h -> h.db.put(h.meta, Codec.SNAPSHOT_KEY, Codec.seal(snap.toByteArray())));
        assertThat(openFails().getMessage())
                .contains("snapshot's term 3 differs from the log's term 2");
    }

    @Test
    void aDamagedMetaValueFailsItsChecksum() throws Exception {
        writeLog();
        editRaw(h -> {
            byte[] v = h.db.get(h.meta, Codec.HARD_STATE_KEY);
            v[v.length - 1] ^= 0x40;
            h.db.put(h.meta, Codec.HARD_STATE_KEY, v);
        });
        assertThat(openFails().getMessage()).contains("meta key hard_state: CRC32C mismatch");
    }

    @Test
    void dataWithoutAFormatKeyIsNotTakenForAnEmptyLog() throws Exception {
        writeLog();
        editRaw(h -> h.db.delete(h.meta, Codec.FORMAT_KEY));
        assertThat(openFails().getMessage()).contains("no format key");
    }

    @Test
    void anEntryDamagedAfterOpenIsDetectedWhenReadFromDisk() throws Exception {
        writeLog();
        try (RocksDurableLog log = RocksDurableLog.open(dir, 0)) {
            RocksHandles h = log.handles();
            byte[] v = h.db.get(h.entries, Codec.indexKey(21));
            v[entryEnd(12, 20) - 1] ^= 0x01;
            h.db.put(h.entries, Codec.indexKey(21), v);
            // Entries before it in the same run are served: each has its own checksum.
            assertThat(log.entries(2, 20, Long.MAX_VALUE)).hasSize(18);
            assertThat(log.entries(21, 30, Long.MAX_VALUE)).isEqualTo(entries(21, 29, 2));
            assertThatThrownBy(() -> log.entries(2, 30, Long.MAX_VALUE))
                    .isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining("at index 20: CRC32C mismatch");
        }
    }

    @Test
    void runsThatOverlapAfterOpenAreDetectedWhenReadFromDisk() throws Exception {
        writeLog();
        try (RocksDurableLog log = RocksDurableLog.open(dir, 0)) {
            RocksHandles h = log.handles();
            h.db.put(h.entries, Codec.indexKey(35), Codec.encodeRun(entries(25, 35, 2)));
            assertThat(log.entries(22, 32, Long.MAX_VALUE)).isEqualTo(entries(22, 31, 2));
            assertThatThrownBy(() -> log.entries(30, 40, Long.MAX_VALUE))
                    .isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining("at index 32: the stored run of entries 25..35"
                            + " overlaps the run before it");
            h.db.delete(h.entries, Codec.indexKey(35));
            h.db.delete(h.entries, Codec.indexKey(41));
            assertThatThrownBy(() -> log.entries(30, 45, Long.MAX_VALUE))
                    .isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining("at index 32: the entry is missing; the next stored"
                            + " run holds entries 42..50");
        }
    }

    /**
     * Bytes flipped in an SST file (the entries flushed out of the memtable) are caught by
     * RocksDB's block checksums when the open scan reads them, or by ours.
     */
    @Test
    void aFlippedByteInAnSstFileIsDetected() throws Exception {
        Path original = temp.resolve("original");
        dir = original;
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            log.bootstrap(VOTERS);
            for (long i = 2; i < 2000; i += 100) {
                log.persist(ready(hs(2, 1), entries(i, i + 99, 2), true));
            }
        }
        editRaw(h -> {
            try (FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
                h.db.flush(wait, List.of(h.entries, h.meta));
            }
        });
        SplittableRandom random = new SplittableRandom(17);
        for (int round = 0; round < 6; round++) {
            dir = temp.resolve("copy" + round);
            copy(original, dir);
            Path sst = largest(dir, ".sst");
            long size = Files.size(sst);
            long at = random.nextLong(size / 2);
            flip(sst, at);
            assertThat(openFails().getMessage()).as("flip at " + at + " of " + size)
                    .containsIgnoringCase("corrupt");
        }
    }

    /**
     * A flipped byte inside a complete record of RocksDB's write-ahead log fails that
     * record's checksum; the recovery mode refuses to open rather than drop the record.
     */
    @Test
    void aFlippedByteInTheWriteAheadLogIsDetected() throws Exception {
        Path original = temp.resolve("original");
        dir = original;
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            log.bootstrap(VOTERS);
            for (long i = 2; i < 400; i += 20) {
                log.persist(ready(hs(2, 1), entries(i, i + 19, 2), true));
            }
        }
        SplittableRandom random = new SplittableRandom(23);
        for (int round = 0; round < 6; round++) {
            dir = temp.resolve("copy" + round);
            copy(original, dir);
            Path wal = largest(dir, ".log");
            long size = Files.size(wal);
            assertThat(size).as("entries still in the WAL").isGreaterThan(50_000);
            long at = size / 4 + random.nextLong(size / 2);
            flip(wal, at);
            assertThat(openFails().getMessage()).as("flip at " + at + " of " + size)
                    .containsIgnoringCase("corrupt");
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    private static Path largest(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix))
                    .max(Comparator.comparingLong(CorruptionTest::sizeOf))
                    .orElseThrow(() -> new AssertionError("no " + suffix + " file in " + dir));
        }
    }

    private static long sizeOf(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void flip(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x04);
        }
    }
}
