package io.katd.kv.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import org.junit.jupiter.api.Test;

class KeyHistoryTest {

    private static Revision r(long main, long sub) {
        return new Revision(main, sub);
    }

    /** put@2, put@3.0, put@3.1, delete@5, put@7. */
    private static KeyHistory sample() {
        KeyHistory history = new KeyHistory();
        history.append(r(2, 0), false);
        history.append(r(3, 0), false);
        history.append(r(3, 1), false);
        history.append(r(5, 0), true);
        history.append(r(7, 0), false);
        return history;
    }

    @Test
    void liveAtFindsTheLastChangeAtOrBeforeTheRevision() {
        KeyHistory history = sample();
        assertThat(history.liveAt(1)).isNull();
        assertThat(history.liveAt(2)).isEqualTo(r(2, 0));
        assertThat(history.liveAt(4)).isEqualTo(r(3, 1));
        assertThat(history.liveAt(5)).isNull();
        assertThat(history.liveAt(6)).isNull();
        assertThat(history.liveAt(100)).isEqualTo(r(7, 0));
    }

    @Test
    void liveBeforeStopsAtGenerationBoundaries() {
        KeyHistory history = sample();
        assertThat(history.liveBefore(r(2, 0))).isNull();
        assertThat(history.liveBefore(r(3, 1))).isEqualTo(r(3, 0));
        assertThat(history.liveBefore(r(5, 0))).isEqualTo(r(3, 1));
        assertThat(history.liveBefore(r(7, 0))).isNull();
    }

    @Test
    void compactionKeepsTheNewestLiveEntryAndDropsTombstones() {
        assertThat(sample().compactablePrefix(1)).isZero();
        assertThat(sample().compactablePrefix(3)).isEqualTo(2);
        assertThat(sample().compactablePrefix(4)).isEqualTo(2);
        assertThat(sample().compactablePrefix(5)).isEqualTo(4);
        assertThat(sample().compactablePrefix(7)).isEqualTo(4);

        KeyHistory history = sample();
        history.dropOldest(history.compactablePrefix(6));
        assertThat(history.entries()).containsExactly(new KeyHistory.Entry(r(7, 0), false));
    }

    @Test
    void truncateFromUndoesTheLatestRevision() {
        KeyHistory history = sample();
        history.truncateFrom(7);
        assertThat(history.liveAt(100)).isNull();
        history.truncateFrom(3);
        assertThat(history.entries()).containsExactly(new KeyHistory.Entry(r(2, 0), false));
    }

    @Test
    void appendRejectsOutOfOrderRevisionsAndDeletesOfAbsentKeys() {
        KeyHistory history = sample();
        assertThatIllegalStateException().isThrownBy(() -> history.append(r(7, 0), false));
        assertThatIllegalStateException().isThrownBy(() -> history.append(r(6, 0), false));
        assertThatIllegalStateException().isThrownBy(() -> new KeyHistory().append(r(2, 0), true));
        history.append(r(8, 0), true);
        assertThatIllegalStateException().isThrownBy(() -> history.append(r(9, 0), true));
    }
}
