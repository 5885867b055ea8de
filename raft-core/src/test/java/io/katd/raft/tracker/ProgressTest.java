package io.katd.raft.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProgressTest {

    static Progress progress(long match, long next) {
        return new Progress(match, next, new Inflights(2, 0), false);
    }

    static Progress replicating(long match) {
        Progress pr = progress(match, match + 1);
        pr.becomeReplicate();
        return pr;
    }

    @Test
    void newProgressProbes() {
        Progress pr = progress(0, 1);
        assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
        assertThat(pr.isPaused()).isFalse();
        assertThat(pr.pendingSnapshot()).isZero();
    }

    @Test
    void matchMustBeBelowNext() {
        assertThatThrownBy(() -> progress(5, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> progress(-1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void probePausesAfterOneMessageUntilAnswered() {
        Progress pr = progress(3, 6);
        pr.sentEntries(2, 10, 7);
        // Probing does not advance next optimistically: the answer decides.
        assertThat(pr.next()).isEqualTo(6);
        assertThat(pr.probeSent()).isTrue();
        assertThat(pr.isPaused()).isTrue();
        assertThat(pr.maybeUpdate(7)).isTrue();
        assertThat(pr.isPaused()).isFalse();
    }

    @Test
    void replicateAdvancesNextAndFillsInflights() {
        Progress pr = replicating(5);
        pr.sentEntries(3, 30, 8);
        assertThat(pr.next()).isEqualTo(9);
        assertThat(pr.isPaused()).isFalse();
        pr.sentEntries(1, 10, 9);
        assertThat(pr.inflights().count()).isEqualTo(2);
        assertThat(pr.isPaused()).isTrue();
        // An empty MsgApp (commit only) takes no slot.
        pr.sentEntries(0, 0, 9);
        assertThat(pr.inflights().count()).isEqualTo(2);
    }

    @Test
    void sendingEntriesWhileSnapshottingIsABug() {
        Progress pr = progress(3, 4);
        pr.becomeSnapshot(10);
        assertThatThrownBy(() -> pr.sentEntries(1, 1, 4))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void becomeReplicateRestartsAfterMatch() {
        Progress pr = progress(3, 10);
        pr.setProbeSent(true);
        pr.becomeReplicate();
        assertThat(pr.state()).isEqualTo(ProgressState.REPLICATE);
        assertThat(pr.next()).isEqualTo(4);
        assertThat(pr.probeSent()).isFalse();
    }

    @Test
    void becomeProbeFromReplicateRestartsAfterMatchAndClearsInflights() {
        Progress pr = replicating(5);
        pr.sentEntries(3, 30, 8);
        pr.becomeProbe();
        assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
        assertThat(pr.next()).isEqualTo(6);
        assertThat(pr.inflights().count()).isZero();
    }

    @Test
    void becomeProbeFromSnapshotResumesAfterTheSnapshot() {
        Progress pr = progress(3, 4);
        pr.becomeSnapshot(10);
        pr.becomeProbe();
        assertThat(pr.next()).isEqualTo(11);
        assertThat(pr.pendingSnapshot()).isZero();

        // The follower got further than the snapshot on its own.
        Progress ahead = progress(3, 4);
        ahead.becomeSnapshot(10);
        ahead.maybeUpdate(12);
        ahead.becomeProbe();
        assertThat(ahead.next()).isEqualTo(13);
    }

    @Test
    void snapshotStateIsAlwaysPaused() {
        Progress pr = progress(3, 4);
        pr.becomeSnapshot(10);
        assertThat(pr.state()).isEqualTo(ProgressState.SNAPSHOT);
        assertThat(pr.pendingSnapshot()).isEqualTo(10);
        assertThat(pr.isPaused()).isTrue();
    }

    @Test
    void maybeUpdateMovesMatchForwardOnly() {
        Progress pr = progress(5, 6);
        assertThat(pr.maybeUpdate(4)).isFalse();
        assertThat(pr.match()).isEqualTo(5);
        assertThat(pr.maybeUpdate(5)).isFalse();
        assertThat(pr.maybeUpdate(8)).isTrue();
        assertThat(pr.match()).isEqualTo(8);
        assertThat(pr.next()).isEqualTo(9);
    }

    @Test
    void maybeUpdateNeverMovesNextBack() {
        Progress pr = replicating(5);
        pr.sentEntries(5, 5, 10);
        assertThat(pr.maybeUpdate(7)).isTrue();
        assertThat(pr.next()).isEqualTo(11);
    }

    @Test
    void replicateIgnoresRejectionsAtOrBelowMatch() {
        Progress pr = replicating(5);
        pr.sentEntries(5, 5, 10);
        assertThat(pr.maybeDecrTo(5, 5)).isFalse();
        assertThat(pr.maybeDecrTo(3, 0)).isFalse();
        assertThat(pr.next()).isEqualTo(11);
    }

    @Test
    void replicateFallsBackToMatchOnAFreshRejection() {
        Progress pr = replicating(5);
        pr.sentEntries(5, 5, 10);
        assertThat(pr.maybeDecrTo(8, 6)).isTrue();
        assertThat(pr.next()).isEqualTo(6);
    }

    @Test
    void probeIgnoresRejectionsOfOtherThanTheOutstandingProbe() {
        Progress pr = progress(0, 10);
        pr.sentEntries(1, 1, 10);
        assertThat(pr.maybeDecrTo(8, 3)).isFalse();
        assertThat(pr.maybeDecrTo(10, 3)).isFalse();
        assertThat(pr.next()).isEqualTo(10);
        assertThat(pr.isPaused()).isTrue();
    }

    @Test
    void probeMovesNextToTheHintAndUnpauses() {
        Progress pr = progress(0, 10);
        pr.sentEntries(1, 1, 10);
        assertThat(pr.maybeDecrTo(9, 3)).isTrue();
        assertThat(pr.next()).isEqualTo(4);
        assertThat(pr.isPaused()).isFalse();
    }

    @Test
    void probeNeverGoesBelowMatchOrAboveTheRejectedIndex() {
        Progress low = progress(5, 10);
        assertThat(low.maybeDecrTo(9, 1)).isTrue();
        assertThat(low.next()).isEqualTo(6);

        Progress high = progress(0, 10);
        assertThat(high.maybeDecrTo(9, 20)).isTrue();
        assertThat(high.next()).isEqualTo(9);
    }

    @Test
    void copyIsDeep() {
        Progress pr = replicating(5);
        pr.setRecentActive(true);
        Progress c = pr.copy();
        pr.sentEntries(1, 1, 6);
        pr.setLearner(true);
        assertThat(c.next()).isEqualTo(6);
        assertThat(c.inflights().count()).isZero();
        assertThat(c.isLearner()).isFalse();
        assertThat(c.recentActive()).isTrue();
        assertThat(c.state()).isEqualTo(ProgressState.REPLICATE);
    }
}
