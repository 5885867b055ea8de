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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
}
