package io.katd.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.proto.raft.Entry;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnstableLogTest {

    static Entry ent(long index, long term) {
        return Entry.newBuilder().setIndex(index).setTerm(term).build();
    }

    static Snapshot snap(long index, long term) {
        return Snapshot.newBuilder()
                .setMetadata(SnapshotMetadata.newBuilder().setIndex(index).setTerm(term))
                .build();
    }

    /** An unstable log starting at {@code offset} holding entries with the given terms. */
    static UnstableLog unstable(long offset, long... terms) {
        UnstableLog u = new UnstableLog(offset);
        if (terms.length > 0) {
            List<Entry> ents = new ArrayList<>();
            for (int i = 0; i < terms.length; i++) {
                ents.add(ent(offset + i, terms[i]));
            }
            u.truncateAndAppend(ents);
        }
        return u;
    }

    static List<Long> indexes(List<Entry> ents) {
        return ents.stream().map(Entry::getIndex).toList();
    }

    static List<Long> terms(List<Entry> ents) {
        return ents.stream().map(Entry::getTerm).toList();
    }

    @Test
    void emptyLogKnowsNothing() {
        UnstableLog u = new UnstableLog(5);
        assertThat(u.maybeFirstIndex()).isEqualTo(UnstableLog.UNKNOWN);
        assertThat(u.maybeLastIndex()).isEqualTo(UnstableLog.UNKNOWN);
        assertThat(u.maybeTerm(4)).isEqualTo(UnstableLog.UNKNOWN);
        assertThat(u.maybeTerm(5)).isEqualTo(UnstableLog.UNKNOWN);
    }

    @Test
    void entriesAnswerLastIndexAndTermsButNotFirstIndex() {
        // The first index belongs to storage unless a snapshot is pending here.
        UnstableLog u = unstable(5, 1, 2);
        assertThat(u.maybeFirstIndex()).isEqualTo(UnstableLog.UNKNOWN);
        assertThat(u.maybeLastIndex()).isEqualTo(6);
        assertThat(u.maybeTerm(5)).isEqualTo(1);
        assertThat(u.maybeTerm(6)).isEqualTo(2);
        assertThat(u.maybeTerm(4)).isEqualTo(UnstableLog.UNKNOWN);
        assertThat(u.maybeTerm(7)).isEqualTo(UnstableLog.UNKNOWN);
    }

    @Test
    void pendingSnapshotAnswersFirstIndexLastIndexAndItsTerm() {
        UnstableLog u = new UnstableLog(1);
        u.restore(snap(4, 2));
        assertThat(u.offset()).isEqualTo(5);
        assertThat(u.maybeFirstIndex()).isEqualTo(5);
        assertThat(u.maybeLastIndex()).isEqualTo(4);
        assertThat(u.maybeTerm(4)).isEqualTo(2);
        assertThat(u.maybeTerm(3)).isEqualTo(UnstableLog.UNKNOWN);
        assertThat(u.maybeTerm(5)).isEqualTo(UnstableLog.UNKNOWN);

        u.truncateAndAppend(List.of(ent(5, 3)));
        assertThat(u.maybeLastIndex()).isEqualTo(5);
        assertThat(u.maybeTerm(5)).isEqualTo(3);
        assertThat(u.maybeTerm(4)).isEqualTo(2);
    }

    @Test
    void restoreDropsEntriesAndMovesOffsetPastTheSnapshot() {
        UnstableLog u = unstable(5, 1, 1, 1);
        u.restore(snap(9, 3));
        assertThat(u.entries()).isEmpty();
        assertThat(u.offset()).isEqualTo(10);
        assertThat(u.snapshot().getMetadata().getIndex()).isEqualTo(9);
    }

    @Test
    void stableToMatchingEntryDropsThePrefix() {
        UnstableLog u = unstable(5, 1, 1, 2);
        u.stableTo(6, 1);
        assertThat(u.offset()).isEqualTo(7);
        assertThat(indexes(u.entries())).containsExactly(7L);

        u.stableTo(7, 2);
        assertThat(u.offset()).isEqualTo(8);
        assertThat(u.entries()).isEmpty();
    }

    @Test
    void stableToWithMismatchingTermIsIgnored() {
        // The entries a Ready carried were replaced by a new leader's entries before the
        // Ready was advanced: the new ones are not durable yet and must stay unstable.
        UnstableLog u = unstable(5, 1, 1);
        u.truncateAndAppend(List.of(ent(6, 2)));
        u.stableTo(6, 1);
        assertThat(u.offset()).isEqualTo(5);
        assertThat(terms(u.entries())).containsExactly(1L, 2L);
    }

    @Test
    void stableToOutsideTheEntriesIsIgnored() {
        UnstableLog u = unstable(5, 1, 1);
        u.stableTo(4, 1);
        u.stableTo(7, 1);
        assertThat(u.offset()).isEqualTo(5);
        assertThat(u.entries()).hasSize(2);
    }

    @Test
    void stableToTheSnapshotIndexDoesNotTouchEntries() {
        // The snapshot's own index is answerable by maybeTerm but lies below offset.
        UnstableLog u = new UnstableLog(1);
        u.restore(snap(4, 2));
        u.truncateAndAppend(List.of(ent(5, 2)));
        u.stableTo(4, 2);
        assertThat(u.offset()).isEqualTo(5);
        assertThat(u.entries()).hasSize(1);
    }

    @Test
    void stableSnapToOnlyClearsTheMatchingSnapshot() {
        UnstableLog u = new UnstableLog(1);
        u.restore(snap(4, 2));
        u.stableSnapTo(3);
        assertThat(u.snapshot()).isNotNull();
        u.stableSnapTo(4);
        assertThat(u.snapshot()).isNull();
        assertThat(u.offset()).isEqualTo(5);
    }

    @Test
    void truncateAndAppendDirectlyAfterTheLastEntryAppends() {
        UnstableLog u = unstable(5, 1, 1);
        u.truncateAndAppend(List.of(ent(7, 1), ent(8, 2)));
        assertThat(u.offset()).isEqualTo(5);
        assertThat(indexes(u.entries())).containsExactly(5L, 6L, 7L, 8L);
        assertThat(terms(u.entries())).containsExactly(1L, 1L, 1L, 2L);
    }

    @Test
    void truncateAndAppendAtOrBelowTheOffsetReplacesEverything() {
        UnstableLog u = unstable(5, 1, 1);
        u.truncateAndAppend(List.of(ent(5, 2), ent(6, 2), ent(7, 2)));
        assertThat(u.offset()).isEqualTo(5);
        assertThat(terms(u.entries())).containsExactly(2L, 2L, 2L);

        // Below the offset: the stable entries from 3 on are overwritten when persisted.
        u.truncateAndAppend(List.of(ent(3, 3)));
        assertThat(u.offset()).isEqualTo(3);
        assertThat(indexes(u.entries())).containsExactly(3L);
        assertThat(u.maybeTerm(3)).isEqualTo(3);
    }

    @Test
    void truncateAndAppendInTheMiddleKeepsThePrefix() {
        UnstableLog u = unstable(5, 1, 1, 1);
        u.truncateAndAppend(List.of(ent(6, 2), ent(7, 2), ent(8, 2)));
        assertThat(u.offset()).isEqualTo(5);
        assertThat(indexes(u.entries())).containsExactly(5L, 6L, 7L, 8L);
        assertThat(terms(u.entries())).containsExactly(1L, 2L, 2L, 2L);
    }

    @Test
    void sliceReturnsTheRangeAndRefusesOutOfBounds() {
        UnstableLog u = unstable(5, 1, 2, 3);
        assertThat(terms(u.slice(6, 8))).containsExactly(2L, 3L);
        assertThat(u.slice(5, 5)).isEmpty();
        assertThatThrownBy(() -> u.slice(4, 6)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> u.slice(6, 9)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> u.slice(7, 6)).isInstanceOf(IllegalStateException.class);
    }
}
