package io.katd.raft;

import static io.katd.raft.UnstableLogTest.ent;
import static io.katd.raft.UnstableLogTest.indexes;
import static io.katd.raft.UnstableLogTest.snap;
import static io.katd.raft.UnstableLogTest.terms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Snapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryStorageTest {

    /** Compacted up to (3, 3) and holding entries 4 and 5 at terms 4 and 5. */
    static MemoryStorage storage() {
        MemoryStorage s = new MemoryStorage();
        s.applySnapshot(snap(3, 3));
        s.append(List.of(ent(4, 4), ent(5, 5)));
        return s;
    }

    static Entry sized(long index, long term, int payloadBytes) {
        return ent(index, term).toBuilder().setData(ByteString.copyFrom(new byte[payloadBytes]))
                .build();
    }

    @Test
    void newStorageIsEmptyWithTheZeroEntryAnswerable() {
        MemoryStorage s = new MemoryStorage();
        assertThat(s.firstIndex()).isEqualTo(1);
        assertThat(s.lastIndex()).isEqualTo(0);
        assertThat(s.term(0)).isEqualTo(0);
        assertThatThrownBy(() -> s.term(1)).isInstanceOf(StorageException.Unavailable.class);
        assertThat(s.initialState().hardState()).isEqualTo(HardState.getDefaultInstance());
    }

    @Test
    void withVotersBootstrapsTheConfiguration() {
        MemoryStorage s = MemoryStorage.withVoters(1, 2, 3);
        assertThat(s.initialState().confState().getVotersList()).containsExactly(1L, 2L, 3L);
        assertThat(s.lastIndex()).isEqualTo(0);
    }

    @Test
    void hardStateIsReturnedAsTheInitialState() {
        MemoryStorage s = new MemoryStorage();
        HardState hs = HardState.newBuilder().setTerm(3).setVote(2).setCommit(0).build();
        s.setHardState(hs);
        assertThat(s.initialState().hardState()).isEqualTo(hs);
        assertThat(s.hardState()).isEqualTo(hs);
    }

    @Test
    void termIsAnswerableFromTheSnapshotIndexToTheLastIndex() {
        MemoryStorage s = storage();
        assertThat(s.firstIndex()).isEqualTo(4);
        assertThat(s.lastIndex()).isEqualTo(5);
        assertThat(s.term(3)).isEqualTo(3);
        assertThat(s.term(4)).isEqualTo(4);
        assertThat(s.term(5)).isEqualTo(5);
        assertThatThrownBy(() -> s.term(2)).isInstanceOf(StorageException.Compacted.class);
        assertThatThrownBy(() -> s.term(6)).isInstanceOf(StorageException.Unavailable.class);
    }

    @Test
    void entriesRefuseCompactedAndMissingRanges() {
        MemoryStorage s = storage();
        assertThatThrownBy(() -> s.entries(3, 5, Long.MAX_VALUE))
                .isInstanceOf(StorageException.Compacted.class);
        assertThatThrownBy(() -> s.entries(4, 7, Long.MAX_VALUE))
                .isInstanceOf(StorageException.Unavailable.class);
        assertThat(indexes(s.entries(4, 6, Long.MAX_VALUE))).containsExactly(4L, 5L);
        assertThat(indexes(s.entries(5, 6, Long.MAX_VALUE))).containsExactly(5L);
    }

    @Test
    void entriesAreLimitedInSizeButNeverEmpty() {
        MemoryStorage s = new MemoryStorage();
        s.append(List.of(sized(1, 1, 100), sized(2, 1, 100), sized(3, 1, 100)));
        long one = sized(1, 1, 100).getSerializedSize();
        assertThat(s.entries(1, 4, 0)).hasSize(1);
        assertThat(s.entries(1, 4, one)).hasSize(1);
        assertThat(s.entries(1, 4, 2 * one)).hasSize(2);
        assertThat(s.entries(1, 4, 3 * one - 1)).hasSize(2);
        assertThat(s.entries(1, 4, 3 * one)).hasSize(3);
    }

    @Test
    void compactKeepsTheTermOfTheCompactIndex() {
        MemoryStorage s = new MemoryStorage();
        s.append(List.of(ent(1, 1), ent(2, 2), ent(3, 3), ent(4, 4)));
        s.compact(2);
        assertThat(s.firstIndex()).isEqualTo(3);
        assertThat(s.lastIndex()).isEqualTo(4);
        assertThat(s.term(2)).isEqualTo(2);
        assertThatThrownBy(() -> s.term(1)).isInstanceOf(StorageException.Compacted.class);
        assertThat(terms(s.entries(3, 5, Long.MAX_VALUE))).containsExactly(3L, 4L);

        s.compact(4);
        assertThat(s.firstIndex()).isEqualTo(5);
        assertThat(s.lastIndex()).isEqualTo(4);
        assertThat(s.term(4)).isEqualTo(4);
    }

    @Test
    void compactAtOrBelowTheSnapshotIsCompacted() {
        MemoryStorage s = storage();
        assertThatThrownBy(() -> s.compact(3)).isInstanceOf(StorageException.Compacted.class);
        assertThatThrownBy(() -> s.compact(2)).isInstanceOf(StorageException.Compacted.class);
        assertThat(s.firstIndex()).isEqualTo(4);
    }

    @Test
    void compactBeyondTheLastIndexIsRefused() {
        MemoryStorage s = storage();
        assertThatThrownBy(() -> s.compact(6)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beyond the last index 5");
        assertThat(s.lastIndex()).isEqualTo(5);
    }

    @Test
    void createSnapshotRecordsIndexTermConfigurationAndData() {
        MemoryStorage s = storage();
        ConfState cs = ConfState.newBuilder().addVoters(1).addVoters(2).build();
        ByteString data = ByteString.copyFromUtf8("state");
        Snapshot snap = s.createSnapshot(4, cs, data);
        assertThat(snap.getMetadata().getIndex()).isEqualTo(4);
        assertThat(snap.getMetadata().getTerm()).isEqualTo(4);
        assertThat(snap.getMetadata().getConfState()).isEqualTo(cs);
        assertThat(snap.getData()).isEqualTo(data);
        assertThat(s.snapshot()).isEqualTo(snap);
        // Creating a snapshot does not compact: that is a separate decision of the caller.
        assertThat(s.firstIndex()).isEqualTo(4);
    }

    @Test
    void createSnapshotRefusesStaleAndFutureIndexes() {
        MemoryStorage s = storage();
        assertThatThrownBy(() -> s.createSnapshot(3, null, ByteString.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.createSnapshot(6, null, ByteString.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
        s.createSnapshot(5, null, ByteString.EMPTY);
        assertThatThrownBy(() -> s.createSnapshot(5, null, ByteString.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void applySnapshotReplacesTheWholeLog() {
        MemoryStorage s = storage();
        s.applySnapshot(snap(10, 6));
        assertThat(s.firstIndex()).isEqualTo(11);
        assertThat(s.lastIndex()).isEqualTo(10);
        assertThat(s.term(10)).isEqualTo(6);
        assertThatThrownBy(() -> s.term(5)).isInstanceOf(StorageException.Compacted.class);
        assertThat(s.snapshot().getMetadata().getIndex()).isEqualTo(10);
    }

    @Test
    void applySnapshotOlderThanTheCurrentIsRefused() {
        MemoryStorage s = storage();
        assertThatThrownBy(() -> s.applySnapshot(snap(2, 2)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(s.lastIndex()).isEqualTo(5);
    }

    @Test
    void appendWithOverlapTruncatesTheConflictingTail() {
        MemoryStorage s = storage();
        s.append(List.of(ent(4, 4), ent(5, 6), ent(6, 6)));
        assertThat(terms(s.entries(4, 7, Long.MAX_VALUE))).containsExactly(4L, 6L, 6L);

        // A shorter append from the middle drops everything after it.
        s.append(List.of(ent(5, 7)));
        assertThat(s.lastIndex()).isEqualTo(5);
        assertThat(s.term(5)).isEqualTo(7);
    }

    @Test
    void appendDirectlyAfterTheLastIndexExtends() {
        MemoryStorage s = storage();
        s.append(List.of(ent(6, 5), ent(7, 5)));
        assertThat(s.lastIndex()).isEqualTo(7);
        assertThat(terms(s.entries(4, 8, Long.MAX_VALUE))).containsExactly(4L, 5L, 5L, 5L);
    }

    @Test
    void appendSkipsTheCompactedPrefix() {
        MemoryStorage s = storage();
        s.append(List.of(ent(2, 3), ent(3, 3), ent(4, 6), ent(5, 6)));
        assertThat(s.firstIndex()).isEqualTo(4);
        assertThat(s.term(3)).isEqualTo(3);
        assertThat(terms(s.entries(4, 6, Long.MAX_VALUE))).containsExactly(6L, 6L);
    }

    @Test
    void appendOfOnlyCompactedEntriesIsIgnored() {
        MemoryStorage s = storage();
        s.append(List.of(ent(2, 9), ent(3, 9)));
        s.append(List.of());
        assertThat(s.lastIndex()).isEqualTo(5);
        assertThat(s.term(3)).isEqualTo(3);
        assertThat(s.term(5)).isEqualTo(5);
    }

    @Test
    void appendLeavingAGapIsRefused() {
        MemoryStorage s = storage();
        assertThatThrownBy(() -> s.append(List.of(ent(7, 5))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing log entries");
        assertThat(s.lastIndex()).isEqualTo(5);
    }
}
