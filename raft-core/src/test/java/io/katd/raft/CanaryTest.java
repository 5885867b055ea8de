package io.katd.raft;

import static io.katd.raft.RaftLogTest.ents;
import static io.katd.raft.RaftLogTest.logTerms;
import static io.katd.raft.RaftLogTest.stored;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The planted bugs do what they say, and only when planted. */
class CanaryTest {
    @Test
    void countingCommitsAPreviousTermOnlyWithTheCanary() {
        RaftLog log = stored(1, 2);
        assertThat(log.maybeCommit(2, 3)).isFalse();
        log.canary = Canary.COMMIT_PREVIOUS_TERM_BY_COUNTING;
        assertThat(log.maybeCommit(2, 3)).isTrue();
        assertThat(log.committed()).isEqualTo(2);
    }

    @Test
    void aMatchingAppendTruncatesTheTailOnlyWithTheCanary() {
        RaftLog log = stored(1, 1, 1);
        assertThat(log.maybeAppend(0, 0, 0, ents(1, 1))).isEqualTo(1);
        assertThat(logTerms(log)).containsExactly(1L, 1L, 1L);
        log.canary = Canary.TRUNCATE_MATCHING_ENTRIES;
        assertThat(log.maybeAppend(0, 0, 0, ents(1, 1))).isEqualTo(1);
        assertThat(logTerms(log)).containsExactly(1L);
    }

    @Test
    void aRawNodeStartsWithoutCanaries() {
        RawNode node = new RawNode(Config.builder(1).random(new java.util.SplittableRandom(1))
                .build(), MemoryStorage.withVoters(1));
        assertThat(node).extracting("raft").extracting("raftLog").extracting("canary")
                .isEqualTo(Canary.NONE);
        node.plantCanary(Canary.TRUNCATE_MATCHING_ENTRIES);
        assertThat(node).extracting("raft").extracting("raftLog").extracting("canary")
                .isEqualTo(Canary.TRUNCATE_MATCHING_ENTRIES);
    }
}
