package io.katd.raft;

import static io.katd.raft.MemoryStorageTest.sized;
import static io.katd.raft.UnstableLogTest.ent;
import static io.katd.raft.UnstableLogTest.indexes;
import static io.katd.raft.UnstableLogTest.snap;
import static io.katd.raft.UnstableLogTest.terms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.proto.raft.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class RaftLogTest {

    /** Entries {@code first, first+1, ...} with the given terms. */
    static List<Entry> ents(long first, long... terms) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            out.add(ent(first + i, terms[i]));
        }
        return out;
    }

    /** A log whose storage holds entries 1.. with the given terms, nothing unstable. */
    static RaftLog stored(long... terms) {
        MemoryStorage s = new MemoryStorage();
        s.append(ents(1, terms));
        return new RaftLog(s, Long.MAX_VALUE);
    }

    static List<Long> logTerms(RaftLog log) {
        return terms(log.allEntries());
    }

    static Stream<Arguments> conflicts() {
        // Against a log with terms [1, 2, 3] at indexes 1..3.
        return Stream.of(
                Arguments.of(List.of(), 0L),
                Arguments.of(ents(1, 1, 2, 3), 0L),
                Arguments.of(ents(2, 2, 3), 0L),
                Arguments.of(ents(3, 3), 0L),
                Arguments.of(ents(2, 2, 3, 4, 4), 4L),
                Arguments.of(ents(4, 4, 4), 4L),
                Arguments.of(ents(1, 4, 4), 1L),
                Arguments.of(ents(2, 1, 4, 4), 2L),
                Arguments.of(ents(3, 1, 2, 4, 4), 3L));
    }

    @ParameterizedTest
    @MethodSource("conflicts")
    void findConflictReturnsTheFirstNewOrConflictingIndex(List<Entry> incoming, long expected) {
        assertThat(stored(1, 2, 3).findConflict(incoming)).isEqualTo(expected);
    }

    @Test
    void findConflictByTermSkipsEntriesOfHigherTerms() {
        RaftLog log = stored(1, 1, 2, 2, 5, 5);
        assertThat(log.findConflictByTerm(6, 3)).isEqualTo(new RaftLog.Conflict(4, 2));
        assertThat(log.findConflictByTerm(6, 5)).isEqualTo(new RaftLog.Conflict(6, 5));
        assertThat(log.findConflictByTerm(3, 1)).isEqualTo(new RaftLog.Conflict(2, 1));
        assertThat(log.findConflictByTerm(6, 0)).isEqualTo(new RaftLog.Conflict(0, 0));
    }

    @Test
    void findConflictByTermReturnsAnUnknownTermBelowTheCompactedPrefix() {
        MemoryStorage s = new MemoryStorage();
        s.applySnapshot(snap(4, 3));
        s.append(ents(5, 5, 5));
        RaftLog log = new RaftLog(s, Long.MAX_VALUE);
        // Index 3 was compacted: it might match, so the leader may probe there.
        assertThat(log.findConflictByTerm(6, 2)).isEqualTo(new RaftLog.Conflict(3, 0));
        assertThat(log.findConflictByTerm(6, 3)).isEqualTo(new RaftLog.Conflict(4, 3));
    }

    @Test
    void maybeAppendRefusesWhenThePreviousEntryDoesNotMatch() {
        RaftLog log = stored(1, 2, 3);
        assertThat(log.maybeAppend(3, 2, 3, ents(4, 4))).isEqualTo(-1);
        assertThat(log.maybeAppend(4, 3, 3, ents(5, 4))).isEqualTo(-1);
        assertThat(logTerms(log)).containsExactly(1L, 2L, 3L);
        assertThat(log.committed()).isEqualTo(0);
    }

    @Test
    void maybeAppendAppendsNewEntriesAndCommitsUpToTheLastNewOne() {
        RaftLog log = stored(1, 2, 3);
        assertThat(log.maybeAppend(3, 3, 10, ents(4, 3, 3))).isEqualTo(5);
        assertThat(logTerms(log)).containsExactly(1L, 2L, 3L, 3L, 3L);
        // The leader's commit is beyond what we know to match: commit only what we have.
        assertThat(log.committed()).isEqualTo(5);
    }

    @Test
    void maybeAppendWithoutEntriesOnlyMovesTheCommitIndex() {
        RaftLog log = stored(1, 2, 3);
        assertThat(log.maybeAppend(2, 2, 3, List.of())).isEqualTo(2);
        // Entry 3 is not vouched for by this message, so it cannot be committed by it.
        assertThat(log.committed()).isEqualTo(2);
        assertThat(logTerms(log)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void maybeAppendReplacesAConflictingUncommittedTail() {
        RaftLog log = stored(1, 2, 3);
        log.commitTo(1);
        assertThat(log.maybeAppend(1, 1, 1, ents(2, 4))).isEqualTo(2);
        assertThat(logTerms(log)).containsExactly(1L, 4L);
        assertThat(log.lastIndex()).isEqualTo(2);
    }

    @Test
    void maybeAppendOfAlreadyPresentEntriesKeepsTheLongerLog() {
        // A delayed duplicate of an older MsgApp must not cut entries appended since.
        RaftLog log = stored(1, 2, 3);
        assertThat(log.maybeAppend(1, 1, 0, ents(2, 2))).isEqualTo(2);
        assertThat(logTerms(log)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void maybeAppendConflictingWithACommittedEntryIsFatal() {
        RaftLog log = stored(1, 2, 3);
        log.commitTo(2);
        assertThatThrownBy(() -> log.maybeAppend(1, 1, 3, ents(2, 4)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("conflicts with committed entry");
        assertThat(logTerms(log)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void appendBelowTheCommitIndexIsFatal() {
        RaftLog log = stored(1, 2, 3);
        log.commitTo(2);
        assertThatThrownBy(() -> log.append(ents(2, 5)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(log.append(ents(3, 5))).isEqualTo(3);
        assertThat(logTerms(log)).containsExactly(1L, 2L, 5L);
    }

    @Test
    void termsComeFromTheSnapshotStorageAndUnstableTail() {
        MemoryStorage s = new MemoryStorage();
        s.applySnapshot(snap(3, 2));
        s.append(ents(4, 2, 3));
        RaftLog log = new RaftLog(s, Long.MAX_VALUE);
        log.append(ents(6, 3, 4));

        assertThat(log.firstIndex()).isEqualTo(4);
        assertThat(log.lastIndex()).isEqualTo(7);
        assertThat(log.term(3)).isEqualTo(2);
        assertThat(log.term(5)).isEqualTo(3);
        assertThat(log.term(7)).isEqualTo(4);
        assertThat(log.lastTerm()).isEqualTo(4);
        assertThatThrownBy(() -> log.term(2)).isInstanceOf(StorageException.Compacted.class);
        assertThatThrownBy(() -> log.term(8)).isInstanceOf(StorageException.Unavailable.class);
        assertThat(log.termOrZero(2)).isZero();
        assertThat(log.termOrZero(8)).isZero();
        assertThat(log.matchTerm(8, 0)).isFalse();
        assertThat(log.matchTerm(6, 3)).isTrue();
    }

    @Test
    void unstableTailOverridesStorageForTermLookups() {
        // A follower that truncated its tail answers with the new, not yet durable, terms.
        RaftLog log = stored(1, 1, 1);
        log.append(ents(2, 2));
        assertThat(log.term(2)).isEqualTo(2);
        assertThat(log.lastIndex()).isEqualTo(2);
        assertThatThrownBy(() -> log.term(3)).isInstanceOf(StorageException.Unavailable.class);
    }

    @Test
    void restoredSnapshotAnswersTermsUntilItIsPersisted() {
        RaftLog log = stored(1, 1, 1);
        log.restore(snap(10, 4));
        assertThat(log.committed()).isEqualTo(10);
        assertThat(log.firstIndex()).isEqualTo(11);
        assertThat(log.lastIndex()).isEqualTo(10);
        assertThat(log.term(10)).isEqualTo(4);
        assertThat(log.hasPendingSnapshot()).isTrue();
        assertThat(log.snapshot().getMetadata().getIndex()).isEqualTo(10);
        assertThatThrownBy(() -> log.term(9)).isInstanceOf(StorageException.Compacted.class);
    }

    @Test
    void isUpToDateComparesLastTermThenLength() {
        RaftLog log = stored(1, 2, 2);
        assertThat(log.isUpToDate(1, 3)).isTrue();
        assertThat(log.isUpToDate(3, 2)).isTrue();
        assertThat(log.isUpToDate(4, 2)).isTrue();
        assertThat(log.isUpToDate(2, 2)).isFalse();
        assertThat(log.isUpToDate(10, 1)).isFalse();
    }

    @Test
    void commitToBeyondTheLastIndexIsFatal() {
        RaftLog log = stored(1, 1, 1);
        assertThatThrownBy(() -> log.commitTo(4)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("beyond the last index 3");
        assertThat(log.committed()).isZero();
    }

    @Test
    void commitToNeverMovesTheCommitIndexBack() {
        RaftLog log = stored(1, 1, 1);
        log.commitTo(3);
        log.commitTo(1);
        assertThat(log.committed()).isEqualTo(3);
    }

    @Test
    void maybeCommitOnlyCommitsAnEntryOfTheGivenTerm() {
        RaftLog log = stored(1, 2, 2);
        assertThat(log.maybeCommit(1, 2)).isFalse();
        assertThat(log.maybeCommit(3, 1)).isFalse();
        assertThat(log.committed()).isZero();
        assertThat(log.maybeCommit(2, 2)).isTrue();
        assertThat(log.committed()).isEqualTo(2);
        assertThat(log.maybeCommit(2, 2)).isFalse();
    }

    @Test
    void appliedToMustStayWithinAppliedAndCommitted() {
        RaftLog log = stored(1, 1, 1);
        log.commitTo(2);
        assertThatThrownBy(() -> log.appliedTo(3)).isInstanceOf(IllegalStateException.class);
        log.appliedTo(2);
        assertThatThrownBy(() -> log.appliedTo(1)).isInstanceOf(IllegalStateException.class);
        assertThat(log.applied()).isEqualTo(2);
    }

    @Test
    void nextCommittedEntriesAreTheCommittedButUnappliedOnes() {
        RaftLog log = stored(1, 1, 1);
        log.append(ents(4, 2));
        log.commitTo(4);
        log.appliedTo(1);
        assertThat(indexes(log.nextCommittedEntries())).containsExactly(2L, 3L, 4L);
        log.appliedTo(4);
        assertThat(log.hasNextCommittedEntries()).isFalse();
        assertThat(log.nextCommittedEntries()).isEmpty();
    }

    @Test
    void nextCommittedEntriesAreBoundedBySize() {
        MemoryStorage s = new MemoryStorage();
        s.append(List.of(sized(1, 1, 100), sized(2, 1, 100), sized(3, 1, 100)));
        long one = sized(1, 1, 100).getSerializedSize();
        RaftLog log = new RaftLog(s, 2 * one);
        log.commitTo(3);
        assertThat(indexes(log.nextCommittedEntries())).containsExactly(1L, 2L);
    }

    @Test
    void noCommittedEntriesWhileASnapshotWaitsToBeApplied() {
        RaftLog log = stored(1, 1, 1);
        log.restore(snap(5, 2));
        log.append(ents(6, 2));
        log.commitTo(6);
        assertThat(log.hasNextCommittedEntries()).isFalse();
        assertThat(log.nextCommittedEntries()).isEmpty();
    }

    @Test
    void sliceReturnsAtLeastOneEntryWhateverTheLimit() {
        RaftLog log = stored(1, 1, 1);
        assertThat(indexes(log.slice(1, 4, 0))).containsExactly(1L);
        assertThat(log.slice(2, 2, 0)).isEmpty();
    }

    @Test
    void sliceIsLimitedAcrossStorageAndTheUnstableTail() {
        MemoryStorage s = new MemoryStorage();
        s.append(List.of(sized(1, 1, 100), sized(2, 1, 100)));
        RaftLog log = new RaftLog(s, Long.MAX_VALUE);
        log.append(List.of(sized(3, 1, 100), sized(4, 1, 100)));
        long one = sized(1, 1, 100).getSerializedSize();

        assertThat(indexes(log.slice(1, 5, Long.MAX_VALUE))).containsExactly(1L, 2L, 3L, 4L);
        assertThat(indexes(log.slice(1, 5, one))).containsExactly(1L);
        assertThat(indexes(log.slice(1, 5, 3 * one))).containsExactly(1L, 2L, 3L);
        assertThat(indexes(log.slice(2, 5, 2 * one))).containsExactly(2L, 3L);
        assertThat(indexes(log.slice(3, 5, one))).containsExactly(3L);
        assertThat(indexes(log.slice(3, 5, 0))).containsExactly(3L);
    }

    @Test
    void sliceOutOfBoundsIsRefused() {
        MemoryStorage s = new MemoryStorage();
        s.applySnapshot(snap(2, 1));
        s.append(ents(3, 1, 1));
        RaftLog log = new RaftLog(s, Long.MAX_VALUE);
        assertThatThrownBy(() -> log.slice(2, 4, Long.MAX_VALUE))
                .isInstanceOf(StorageException.Compacted.class);
        assertThatThrownBy(() -> log.slice(3, 6, Long.MAX_VALUE))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> log.slice(4, 3, Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(indexes(log.slice(3, 5, Long.MAX_VALUE))).containsExactly(3L, 4L);
    }

    @Test
    void stableToMovesEntriesOutOfTheUnstableTail() {
        MemoryStorage s = new MemoryStorage();
        RaftLog log = new RaftLog(s, Long.MAX_VALUE);
        log.append(ents(1, 1, 1));
        assertThat(log.unstableEntries()).hasSize(2);
        s.append(log.unstableEntries());
        log.stableTo(2, 1);
        assertThat(log.unstableEntries()).isEmpty();
        assertThat(log.lastIndex()).isEqualTo(2);
        assertThat(log.term(2)).isEqualTo(1);
    }

    @Test
    void newLogStartsCommittedAndAppliedAtTheSnapshot() {
        MemoryStorage s = new MemoryStorage();
        s.applySnapshot(snap(7, 3));
        RaftLog log = new RaftLog(s, Long.MAX_VALUE);
        assertThat(log.committed()).isEqualTo(7);
        assertThat(log.applied()).isEqualTo(7);
        assertThat(log.unstable().offset()).isEqualTo(8);
    }
}
