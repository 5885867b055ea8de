package io.katd.raft.storage;

import static io.katd.raft.storage.Logs.VOTERS;
import static io.katd.raft.storage.Logs.entries;
import static io.katd.raft.storage.Logs.entry;
import static io.katd.raft.storage.Logs.hs;
import static io.katd.raft.storage.Logs.ready;
import static io.katd.raft.storage.Logs.snapshot;
import static io.katd.raft.storage.Logs.snapshotReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.raft.StorageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rocksdb.RocksIterator;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;

class RocksDurableLogTest {
    @TempDir
    Path temp;

    @Test
    void aNewLogIsEmptyAndBootstrapStoresTheConfigurationInASnapshotAtIndexOne()
            throws IOException {
        Path dir = temp.resolve("log");
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            assertThat(log.isEmpty()).isTrue();
            assertThat(log.firstIndex()).isEqualTo(1);
            assertThat(log.lastIndex()).isZero();
            assertThat(log.term(0)).isZero();
            log.bootstrap(VOTERS);
            assertThatThrownBy(() -> log.bootstrap(VOTERS))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("not empty");
        }
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            assertThat(log.isEmpty()).isFalse();
            assertThat(log.snapshot().getMetadata().getIndex()).isEqualTo(1);
            assertThat(log.term(1)).isEqualTo(1);
            assertThat(log.firstIndex()).isEqualTo(2);
            assertThat(log.lastIndex()).isEqualTo(1);
            assertThat(log.initialState().confState()).isEqualTo(VOTERS);
            assertThat(log.initialState().hardState()).isEqualTo(hs(1, 1));
        }
    }

    @Test
    void entriesAndHardStateSurviveAReopen() throws IOException {
        Path dir = temp.resolve("log");
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            log.bootstrap(VOTERS);
            log.persist(ready(hs(2, 2, 3), entries(2, 5, 2), true));
            log.persist(ready(hs(2, 2, 5), List.of(), false));
        }
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            assertThat(log.lastIndex()).isEqualTo(5);
            assertThat(log.entries(2, 6, Long.MAX_VALUE)).isEqualTo(entries(2, 5, 2));
            assertThat(log.initialState().hardState()).isEqualTo(hs(2, 2, 5));
        }
    }

    @Test
    void newEntriesReplaceAConflictingTailOnDiskToo() throws IOException {
        Path dir = temp.resolve("log");
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            log.bootstrap(VOTERS);
            log.persist(ready(hs(2, 1), entries(2, 6, 2), true));
            log.persist(ready(hs(3, 1), List.of(entry(3, 3)), true));
            assertThat(log.lastIndex()).isEqualTo(3);
            assertThat(log.term(3)).isEqualTo(3);
            assertThatThrownBy(() -> log.term(4)).isInstanceOf(StorageException.Unavailable.class);
        }
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            assertThat(log.lastIndex()).isEqualTo(3);
            assertThat(log.entries(2, 4, Long.MAX_VALUE))
                    .containsExactly(entry(2, 2), entry(3, 3));
        }
    }

    @Test
    void snapshotsAndCompactionAreDurableAndCompactionStopsAtTheSnapshot()
            throws IOException {
        Path dir = temp.resolve("log");
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            log.bootstrap(VOTERS);
            log.persist(ready(hs(2, 5), entries(2, 5, 2), true));
            log.createSnapshot(4, VOTERS, ByteString.copyFromUtf8("state@4"));
            assertThatThrownBy(() -> log.compact(5)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("beyond the latest snapshot's index 4");
            log.compact(3);
            assertThat(log.firstIndex()).isEqualTo(4);
            assertThatThrownBy(() -> log.compact(3))
                    .isInstanceOf(StorageException.Compacted.class);
            assertThatThrownBy(() -> log.entries(3, 5, Long.MAX_VALUE))
                    .isInstanceOf(StorageException.Compacted.class);
        }
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            assertThat(log.firstIndex()).isEqualTo(4);
            assertThat(log.lastIndex()).isEqualTo(5);
            assertThat(log.term(3)).isEqualTo(2);
            assertThat(log.snapshot().getData().toStringUtf8()).isEqualTo("state@4");
            assertThat(log.snapshot().getMetadata().getIndex()).isEqualTo(4);
            assertThat(log.entries(4, 6, Long.MAX_VALUE)).isEqualTo(entries(4, 5, 2));
        }
    }

    @Test
    void aReceivedSnapshotReplacesTheWholeLogAndEntriesMayFollowIt() throws IOException {
        Path dir = temp.resolve("log");
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            log.bootstrap(VOTERS);
            log.persist(ready(hs(2, 3), entries(2, 8, 2), true));
            log.persist(snapshotReady(snapshot(6, 3, VOTERS, ByteString.copyFromUtf8("s6")),
                    hs(3, 7), entries(7, 7, 3)));
            assertThat(log.firstIndex()).isEqualTo(7);
            assertThat(log.lastIndex()).isEqualTo(7);
            assertThat(log.term(6)).isEqualTo(3);
            assertThatThrownBy(() -> log.persist(snapshotReady(
                    snapshot(5, 3, VOTERS, ByteString.EMPTY), hs(3, 7), List.of())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("older");
        }
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            assertThat(log.firstIndex()).isEqualTo(7);
            assertThat(log.lastIndex()).isEqualTo(7);
            assertThat(log.entries(7, 8, 0)).containsExactly(entry(7, 3));
            assertThat(log.snapshot().getData().toStringUtf8()).isEqualTo("s6");
            assertThat(log.initialState().hardState()).isEqualTo(hs(3, 7));
        }
    }

    @Test
    void entriesOlderThanTheTailCacheAreReadFromDiskWithTheSizeLimitAcrossBoth()
            throws IOException {
        Path dir = temp.resolve("log");
        List<Entry> all = entries(2, 200, 2);
        long cacheBytes = 0;
        for (Entry e : all.subList(150, 199)) {
            cacheBytes += e.getSerializedSize();
        }
        try (RocksDurableLog log = RocksDurableLog.open(dir, cacheBytes)) {
            log.bootstrap(VOTERS);
            log.persist(ready(hs(2, 100), all, true));
            assertThat(log.cachedFirstIndex()).isEqualTo(152);
            assertThat(log.cachedBytes()).isEqualTo(cacheBytes);
            assertThat(log.entries(2, 201, Long.MAX_VALUE)).isEqualTo(all);
            // The limit counts entries from disk and from memory alike, at least one.
            for (int count = 1; count <= all.size(); count += 13) {
                long limit = 0;
                for (Entry e : all.subList(100, 100 + Math.min(count, 99))) {
                    limit += e.getSerializedSize();
                }
                assertThat(log.entries(102, 201, limit))
                        .isEqualTo(all.subList(100, 100 + Math.min(count, 99)));
            }
            assertThat(log.entries(40, 201, 0)).containsExactly(all.get(38));
            assertThat(log.entries(160, 201, 0)).containsExactly(all.get(158));
            assertThat(log.entries(160, 160, 0)).isEmpty();
        }
    }

    @Test
    void readsOutsideTheLogAnswerLikeTheInMemoryLog() throws IOException {
        try (RocksDurableLog log = RocksDurableLog.open(temp.resolve("log"))) {
            log.bootstrap(VOTERS);
            assertThatThrownBy(() -> log.entries(2, 2, 10))
                    .isInstanceOf(StorageException.Unavailable.class)
                    .hasMessage("index 2 is unavailable; last index is 1");
            log.persist(ready(hs(2, 1), entries(2, 4, 2), true));
            assertThatThrownBy(() -> log.entries(1, 3, 10))
                    .isInstanceOf(StorageException.Compacted.class)
                    .hasMessage("index 1 is compacted; first index is 2");
            assertThatThrownBy(() -> log.entries(2, 6, 10))
                    .isInstanceOf(StorageException.Unavailable.class)
                    .hasMessage("index 5 is unavailable; last index is 4");
            assertThatThrownBy(() -> log.term(0))
                    .isInstanceOf(StorageException.Compacted.class);
            assertThat(log.term(1)).isEqualTo(1);
        }
    }

    @Test
    void invalidWritesAreRefusedBeforeAnythingIsWritten() throws IOException {
        Path dir = temp.resolve("log");
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            log.bootstrap(VOTERS);
            log.persist(ready(hs(3, 1), entries(2, 3, 3), true));
            assertThatThrownBy(() -> log.persist(ready(hs(3, 1), entries(5, 5, 3), true)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("missing log entries: last index 3");
            assertThatThrownBy(() -> log.persist(ready(hs(3, 1), entries(4, 4, 2), true)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("below term 3");
            assertThatThrownBy(() -> log.persist(ready(hs(3, 9), entries(4, 4, 3), true)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("commit 9 is beyond the last index 4");
            log.createSnapshot(2, VOTERS, ByteString.EMPTY);
            assertThatThrownBy(() -> log.persist(ready(hs(4, 1), entries(2, 2, 4), true)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("covered by the snapshot at 2");
            assertThat(log.lastIndex()).isEqualTo(3);
        }
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            assertThat(log.lastIndex()).isEqualTo(3);
            assertThat(log.term(2)).isEqualTo(3);
            assertThat(log.initialState().hardState()).isEqualTo(hs(3, 1));
        }
    }

    /** The fsync is the promise: a Ready that must sync syncs RocksDB's WAL, others not. */
    @Test
    void readiesThatMustSyncSyncTheWriteAheadLogAndOthersDoNot() throws IOException {
        try (Statistics stats = new Statistics();
                RocksDurableLog log = RocksDurableLog.open(temp.resolve("log"), 1 << 20,
                        stats)) {
            long created = stats.getTickerCount(TickerType.WAL_FILE_SYNCED);
            log.bootstrap(VOTERS);
            long synced = stats.getTickerCount(TickerType.WAL_FILE_SYNCED);
            assertThat(synced).as("bootstrap syncs").isEqualTo(created + 1);
            log.persist(ready(hs(2, 1), entries(2, 5, 2), false));
            log.persist(ready(hs(2, 3), List.of(), false));
            assertThat(stats.getTickerCount(TickerType.WAL_FILE_SYNCED)).isEqualTo(synced);
            log.persist(ready(hs(2, 4), entries(6, 6, 2), true));
            assertThat(stats.getTickerCount(TickerType.WAL_FILE_SYNCED)).isEqualTo(synced + 1);
            log.createSnapshot(4, VOTERS, ByteString.EMPTY);
            log.compact(3);
            assertThat(stats.getTickerCount(TickerType.WAL_FILE_SYNCED)).isEqualTo(synced + 3);
        }
    }

    @Test
    void aClosedLogRefusesWrites() throws IOException {
        RocksDurableLog log = RocksDurableLog.open(temp.resolve("log"));
        log.bootstrap(VOTERS);
        log.close();
        log.close();
        assertThatThrownBy(() -> log.persist(ready(hs(2, 1), List.of(), true)))
                .isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> log.compact(1)).isInstanceOf(IOException.class);
        assertThat(log.initialState().hardState()).isEqualTo(HardState.newBuilder()
                .setTerm(1).setCommit(1).build());
    }

    // ---- runs -------------------------------------------------------------------------

    /** The runs stored in the log's entries column family, as "first..last", in order. */
    private static List<String> runs(RocksDurableLog log) {
        RocksHandles h = log.handles();
        List<String> out = new ArrayList<>();
        try (RocksIterator it = h.db.newIterator(h.entries)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                long key = Codec.indexOf(it.key());
                out.add(new RunDecoder(h.directory, key, it.value()).firstIndex() + ".." + key);
            }
        }
        return out;
    }

    private static long bytes(List<Entry> ents) {
        return ents.stream().mapToLong(Entry::getSerializedSize).sum();
    }

    /** The log, read whole, matches {@code expected}, before and after a reopen. */
    private static void assertLog(Path dir, long cacheBytes, List<Entry> expected,
            List<String> expectedRuns) throws IOException {
        long first = expected.get(0).getIndex();
        long last = expected.get(expected.size() - 1).getIndex();
        try (RocksDurableLog log = RocksDurableLog.open(dir, cacheBytes)) {
            assertThat(runs(log)).isEqualTo(expectedRuns);
            assertThat(log.firstIndex()).isEqualTo(first);
            assertThat(log.lastIndex()).isEqualTo(last);
            assertThat(log.entries(first, last + 1, Long.MAX_VALUE)).isEqualTo(expected);
            for (Entry e : expected) {
                assertThat(log.term(e.getIndex())).isEqualTo(e.getTerm());
                assertThat(log.entries(e.getIndex(), e.getIndex() + 1, 0)).containsExactly(e);
            }
        }
    }

    private static List<Entry> concat(List<Entry> a, List<Entry> b) {
        List<Entry> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * New entries from inside a run: the run and those after it go, and the run's head is
     * written again under a key of its own. With the whole run cached, the head comes
     * from memory: the persist makes no read (no seek) of RocksDB.
     */
    @Test
    void aTruncationInsideACachedRunRewritesItsHeadFromMemory() throws IOException {
        Path dir = temp.resolve("log");
        try (Statistics stats = new Statistics();
                RocksDurableLog log = RocksDurableLog.open(dir, 1 << 20, stats)) {
            log.bootstrap(VOTERS);
            log.persist(ready(hs(2, 5), entries(2, 21, 2), true));
            log.persist(ready(hs(2, 5), entries(22, 30, 2), true));
            assertThat(runs(log)).containsExactly("2..21", "22..30");
            // (Listing the runs seeks too: the count is taken after it.)
            long seeks = stats.getTickerCount(TickerType.NUMBER_DB_SEEK);
            log.persist(ready(hs(3, 5), entries(15, 18, 3), true));
            assertThat(stats.getTickerCount(TickerType.NUMBER_DB_SEEK)).isEqualTo(seeks);
            assertThat(runs(log)).containsExactly("2..14", "15..18");
            // Again inside the rewritten head, and then at a run's first entry.
            seeks = stats.getTickerCount(TickerType.NUMBER_DB_SEEK);
            log.persist(ready(hs(4, 5), entries(10, 11, 4), true));
            log.persist(ready(hs(5, 5), entries(10, 10, 5), true));
            assertThat(stats.getTickerCount(TickerType.NUMBER_DB_SEEK)).isEqualTo(seeks);
            assertThat(runs(log)).containsExactly("2..9", "10..10");
        }
        assertLog(dir, 1 << 20, concat(entries(2, 9, 2), entries(10, 10, 5)),
                List.of("2..9", "10..10"));
        // The open scan marks where runs start in the cache, so the same holds after it.
        try (Statistics stats = new Statistics();
                RocksDurableLog log = RocksDurableLog.open(dir, 1 << 20, stats)) {
            long seeks = stats.getTickerCount(TickerType.NUMBER_DB_SEEK);
            log.persist(ready(hs(6, 5), entries(7, 7, 6), true));
            assertThat(stats.getTickerCount(TickerType.NUMBER_DB_SEEK)).isEqualTo(seeks);
            assertThat(runs(log)).containsExactly("2..6", "7..7");
        }
    }

    /**
     * The same, with the run's head not in memory (no cache, or a cache that holds only
     * the run's last entries): the head is read back from disk, and checked.
     */
    @ParameterizedTest(name = "cache of the last {0} entries")
    @ValueSource(ints = {0, 3, 12})
    void aTruncationInsideAnUncachedRunReadsItsHeadFromDisk(int cachedEntries)
            throws IOException {
        Path dir = temp.resolve("log");
        List<Entry> run = entries(2, 21, 2);
        long cacheBytes = bytes(run.subList(run.size() - cachedEntries, run.size()));
        try (Statistics stats = new Statistics();
                RocksDurableLog log = RocksDurableLog.open(dir, cacheBytes, stats)) {
            log.bootstrap(VOTERS);
            log.persist(ready(hs(2, 5), run, true));
            assertThat(log.cachedFirstIndex()).isEqualTo(22 - cachedEntries);
            long seeks = stats.getTickerCount(TickerType.NUMBER_DB_SEEK);
            log.persist(ready(hs(3, 5), entries(15, 18, 3), true));
            assertThat(stats.getTickerCount(TickerType.NUMBER_DB_SEEK)).isEqualTo(seeks + 1);
            assertThat(runs(log)).containsExactly("2..14", "15..18");
            assertThat(log.entries(2, 19, Long.MAX_VALUE))
                    .isEqualTo(concat(entries(2, 14, 2), entries(15, 18, 3)));
        }
        assertLog(dir, cacheBytes, concat(entries(2, 14, 2), entries(15, 18, 3)),
                List.of("2..14", "15..18"));
    }

    /**
     * Compaction to an index inside a run keeps the run: its entries up to the offset are
     * no longer served but stay on disk until the run goes. A reopen must accept a first
     * run that starts before the first index, and a truncation inside that run writes
     * back only its entries after the offset.
     */
    @Test
    void compactionInsideARunKeepsTheRunAndSurvivesAReopen() throws IOException {
        Path dir = temp.resolve("log");
        try (RocksDurableLog log = RocksDurableLog.open(dir, 1 << 20)) {
            log.bootstrap(VOTERS);
            log.persist(ready(hs(2, 5), entries(2, 21, 2), true));
            log.persist(ready(hs(2, 25), entries(22, 30, 2), true));
            log.createSnapshot(25, VOTERS, ByteString.copyFromUtf8("state@25"));
            log.compact(10);
            assertThat(runs(log)).containsExactly("2..21", "22..30");
            assertThatThrownBy(() -> log.entries(10, 12, Long.MAX_VALUE))
                    .isInstanceOf(StorageException.Compacted.class);
            log.compact(22);
            assertThat(runs(log)).containsExactly("22..30");
        }
        assertLog(dir, 1 << 20, entries(23, 30, 2), List.of("22..30"));
        try (Statistics stats = new Statistics();
                RocksDurableLog log = RocksDurableLog.open(dir, 1 << 20, stats)) {
            assertThat(log.term(22)).isEqualTo(2);
            // The run starts below the cache (at 22): its head is read from disk.
            long seeks = stats.getTickerCount(TickerType.NUMBER_DB_SEEK);
            log.persist(ready(hs(3, 25), entries(29, 29, 3), true));
            assertThat(stats.getTickerCount(TickerType.NUMBER_DB_SEEK)).isEqualTo(seeks + 1);
            assertThat(runs(log)).containsExactly("23..28", "29..29");
            // The rewritten head starts a run in the cache now: no read the next time.
            seeks = stats.getTickerCount(TickerType.NUMBER_DB_SEEK);
            log.persist(ready(hs(3, 25), entries(27, 28, 3), true));
            assertThat(stats.getTickerCount(TickerType.NUMBER_DB_SEEK)).isEqualTo(seeks);
            assertThat(runs(log)).containsExactly("23..26", "27..28");
        }
        assertLog(dir, 1 << 20, concat(entries(23, 26, 2), entries(27, 28, 3)),
                List.of("23..26", "27..28"));
        try (RocksDurableLog log = RocksDurableLog.open(dir, 0)) {
            log.compact(24);
            assertThat(runs(log)).containsExactly("23..26", "27..28");
            log.persist(ready(hs(4, 25), entries(26, 26, 4), true));
            assertThat(runs(log)).containsExactly("25..25", "26..26");
        }
        assertLog(dir, 0, concat(entries(25, 25, 2), entries(26, 26, 4)),
                List.of("25..25", "26..26"));
    }

    /** A persist larger than the run bound is written as several runs, each within it. */
    @Test
    void aPersistLargerThanTheRunBoundIsSplitIntoRuns() throws IOException {
        Path dir = temp.resolve("log");
        List<Entry> big = new ArrayList<>();
        for (long i = 2; i <= 7; i++) {
            big.add(Entry.newBuilder().setIndex(i).setTerm(2)
                    .setData(Logs.data(i, 2, 300_000)).build());
        }
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            log.bootstrap(VOTERS);
            log.persist(ready(hs(2, 7), big, true));
            // Three entries of 300 KB fit in 1 MiB, a fourth does not.
            assertThat(runs(log)).containsExactly("2..4", "5..7");
            RocksHandles h = log.handles();
            try (RocksIterator it = h.db.newIterator(h.entries)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    assertThat(it.value().length).isLessThanOrEqualTo(
                            RocksDurableLog.RUN_BYTES_MAX + Codec.RUN_HEADER_BYTES);
                }
            }
        }
        assertLog(dir, 0, big, List.of("2..4", "5..7"));
        // A smaller bound (the same code path, small enough to cut often), with a
        // truncation inside a run of a split persist and reads across runs.
        Path small = temp.resolve("small");
        List<Entry> ents = entries(2, 30, 2);
        int bound = (int) (bytes(ents.subList(0, 4)) + 4 * Codec.ENTRY_FRAME_BYTES);
        try (RocksDurableLog log = RocksDurableLog.open(small, 0, bound, null)) {
            log.bootstrap(VOTERS);
            log.persist(ready(hs(2, 7), ents, true));
            // Entry sizes vary (Logs.data), so runs hold 1 to 4 entries.
            assertThat(runs(log)).hasSizeGreaterThan(8)
                    .startsWith("2..5", "6..7", "8..8", "9..11");
            log.persist(ready(hs(3, 7), entries(10, 11, 3), true));
        }
        assertLog(small, 0, concat(entries(2, 9, 2), entries(10, 11, 3)),
                List.of("2..5", "6..7", "8..8", "9..9", "10..11"));
        assertThatThrownBy(() -> RocksDurableLog.open(temp.resolve("x"), 0, 0, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("run size bound must be >= 1 byte, was 0");
    }
}
