package io.katd.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TermRunsTest {

    @Test
    void termsOfALogWithSeveralLeadersTakeOneRunPerTerm() {
        TermRuns t = new TermRuns(10, 3);
        for (long i = 11; i <= 20; i++) {
            t.append(i, i <= 15 ? 3 : 5);
        }
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.term(10)).isEqualTo(3);
        assertThat(t.term(15)).isEqualTo(3);
        assertThat(t.term(16)).isEqualTo(5);
        assertThat(t.term(20)).isEqualTo(5);
        assertThat(t.lastTerm()).isEqualTo(5);
        assertThatThrownBy(() -> t.term(9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.term(21)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void truncationDropsTheRunsAfterTheIndex() {
        TermRuns t = new TermRuns(0, 0);
        for (long i = 1; i <= 9; i++) {
            t.append(i, (i + 2) / 3);
        }
        t.truncateAfter(4);
        assertThat(t.lastIndex()).isEqualTo(4);
        assertThat(t.lastTerm()).isEqualTo(2);
        t.append(5, 7);
        assertThat(t.term(5)).isEqualTo(7);
        assertThat(t.term(4)).isEqualTo(2);
        t.truncateAfter(0);
        assertThat(t.lastIndex()).isZero();
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void compactionKeepsTheTermOfTheNewOffset() {
        TermRuns t = new TermRuns(0, 0);
        for (long i = 1; i <= 9; i++) {
            t.append(i, (i + 2) / 3);
        }
        t.compactTo(5);
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.term(5)).isEqualTo(2);
        assertThat(t.term(7)).isEqualTo(3);
        assertThatThrownBy(() -> t.term(4)).isInstanceOf(IllegalArgumentException.class);
        t.compactTo(7);
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.term(7)).isEqualTo(3);
    }

    @Test
    void appendRefusesGapsAndDecreasingTerms() {
        TermRuns t = new TermRuns(4, 2);
        assertThatThrownBy(() -> t.append(6, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("after last index 4");
        assertThatThrownBy(() -> t.append(5, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("below the previous term 2");
    }
}
