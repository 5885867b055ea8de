package io.katd.raft.confchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.proto.raft.ConfChangeSingle;
import io.katd.proto.raft.ConfChangeType;
import io.katd.raft.tracker.Progress;
import io.katd.raft.tracker.ProgressTracker;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangerTest {
    private static final long LAST_INDEX = 10;

    static ConfChangeSingle change(ConfChangeType type, long id) {
        return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
    }

    static ConfChangeSingle voter(long id) {
        return change(ConfChangeType.ConfChangeAddNode, id);
    }

    static ConfChangeSingle learner(long id) {
        return change(ConfChangeType.ConfChangeAddLearnerNode, id);
    }

    static ConfChangeSingle remove(long id) {
        return change(ConfChangeType.ConfChangeRemoveNode, id);
    }

    static Changer changer(ProgressTracker t) {
        return new Changer(t, LAST_INDEX);
    }

    static void install(ProgressTracker t, Changer.Result r) {
        t.reset(r.config(), r.progress());
    }

    /** A tracker with the given voters, built one valid simple change at a time. */
    static ProgressTracker withVoters(long... ids) {
        ProgressTracker t = new ProgressTracker(8, 0);
        for (long id : ids) {
            install(t, changer(t).simple(List.of(voter(id))));
        }
        return t;
    }

    static String simple(ProgressTracker t, ConfChangeSingle... changes) {
        install(t, changer(t).simple(List.of(changes)));
        return t.config().toString();
    }

    static String enterJoint(ProgressTracker t, boolean autoLeave, ConfChangeSingle... changes) {
        install(t, changer(t).enterJoint(autoLeave, List.of(changes)));
        return t.config().toString();
    }

    static String leaveJoint(ProgressTracker t) {
        install(t, changer(t).leaveJoint());
        return t.config().toString();
    }

    @Test
    void addVoterStartsProbingAtTheLastIndexAndCountsAsActive() {
        ProgressTracker t = withVoters(1);
        assertThat(simple(t, voter(2))).isEqualTo("voters=(1 2)");
        Progress pr = t.progress(2);
        assertThat(pr.match()).isZero();
        assertThat(pr.next()).isEqualTo(LAST_INDEX);
        assertThat(pr.isLearner()).isFalse();
        assertThat(pr.recentActive()).isTrue();
    }

    @Test
    void addingAnExistingVoterKeepsItsProgress() {
        ProgressTracker t = withVoters(1, 2);
        t.progress(2).maybeUpdate(7);
        assertThat(simple(t, voter(2))).isEqualTo("voters=(1 2)");
        assertThat(t.progress(2).match()).isEqualTo(7);
    }

    @Test
    void addLearnerPromoteAndDemote() {
        ProgressTracker t = withVoters(1);
        assertThat(simple(t, learner(2))).isEqualTo("voters=(1) learners=(2)");
        assertThat(t.progress(2).isLearner()).isTrue();
        t.progress(2).maybeUpdate(5);

        assertThat(simple(t, voter(2))).isEqualTo("voters=(1 2)");
        assertThat(t.progress(2).isLearner()).isFalse();
        assertThat(t.progress(2).match()).isEqualTo(5);

        assertThat(simple(t, learner(2))).isEqualTo("voters=(1) learners=(2)");
        assertThat(t.progress(2).isLearner()).isTrue();
        assertThat(t.progress(2).match()).isEqualTo(5);
    }

    @Test
    void removeDropsVotersAndLearnersAndTheirProgress() {
        ProgressTracker t = withVoters(1, 2);
        simple(t, learner(3));
        assertThat(simple(t, remove(2))).isEqualTo("voters=(1) learners=(3)");
        assertThat(simple(t, remove(3))).isEqualTo("voters=(1)");
        assertThat(t.progressMap().keySet()).containsExactly(1L);
        // Removing a non-member is a no-op.
        assertThat(simple(t, remove(9))).isEqualTo("voters=(1)");
    }

    @Test
    void updateNodeAndNodeZeroChangeNothing() {
        ProgressTracker t = withVoters(1, 2);
        assertThat(simple(t, change(ConfChangeType.ConfChangeUpdateNode, 2), voter(0)))
                .isEqualTo("voters=(1 2)");
    }

    @Test
    void severalLearnerChangesAndOneVoterChangeAreSimple() {
        ProgressTracker t = withVoters(1, 2);
        assertThat(simple(t, learner(3), learner(4), voter(5), remove(4)))
                .isEqualTo("voters=(1 2 5) learners=(3)");
    }

    @Test
    void moreThanOneVoterChangeWithoutJointIsRefused() {
        ProgressTracker t = withVoters(1, 2);
        String before = t.config().toString();
        assertThatThrownBy(() -> changer(t).simple(List.of(voter(3), voter(4))))
                .isInstanceOf(ConfChangeException.class)
                .hasMessageContaining("more than one voter changed");
        assertThatThrownBy(() -> changer(t).simple(List.of(remove(2), voter(3))))
                .isInstanceOf(ConfChangeException.class);
        // Demoting a voter and adding another is also two voter changes.
        assertThatThrownBy(() -> changer(t).simple(List.of(learner(2), voter(3))))
                .isInstanceOf(ConfChangeException.class);
        assertThat(t.config().toString()).isEqualTo(before);
        assertThat(t.progressMap().keySet()).containsExactly(1L, 2L);
    }

    @Test
    void removingTheLastVoterIsRefused() {
        ProgressTracker t = withVoters(1);
        assertThatThrownBy(() -> changer(t).simple(List.of(remove(1))))
                .isInstanceOf(ConfChangeException.class).hasMessageContaining("removed all");
        assertThatThrownBy(() -> changer(t).simple(List.of(learner(1))))
                .isInstanceOf(ConfChangeException.class).hasMessageContaining("removed all");
        assertThat(t.config().toString()).isEqualTo("voters=(1)");
    }

    @Test
    void emptyConfigurationCannotBecomeJoint() {
        ProgressTracker t = new ProgressTracker(8, 0);
        assertThatThrownBy(() -> changer(t).enterJoint(false, List.of(voter(1))))
                .isInstanceOf(ConfChangeException.class).hasMessageContaining("zero-voter");
    }

    @Test
    void jointConfigurationWithoutIncomingVotersIsRefused() {
        ProgressTracker t = withVoters(1, 2);
        assertThatThrownBy(() -> changer(t).enterJoint(false, List.of(remove(1), remove(2))))
                .isInstanceOf(ConfChangeException.class).hasMessageContaining("removed all");
    }

    @Test
    void enterJointKeepsTheOldVotersAsTheOutgoingHalf() {
        ProgressTracker t = withVoters(1, 2, 3);
        assertThat(enterJoint(t, true, voter(4), voter(5), remove(1)))
                .isEqualTo("voters=(2 3 4 5)&&(1 2 3) autoleave");
        assertThat(t.config().voters().isJoint()).isTrue();
        assertThat(t.config().autoLeave()).isTrue();
        // The removed voter still votes in the outgoing half: its progress stays.
        assertThat(t.progressMap().keySet()).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void enterJointWithoutAutoLeave() {
        ProgressTracker t = withVoters(1);
        assertThat(enterJoint(t, false, voter(2), voter(3)))
                .isEqualTo("voters=(1 2 3)&&(1)");
        assertThat(t.config().autoLeave()).isFalse();
    }

    @Test
    void jointConfigurationRefusesEverythingButLeaving() {
        ProgressTracker t = withVoters(1, 2);
        enterJoint(t, false, voter(3));
        assertThatThrownBy(() -> changer(t).enterJoint(false, List.of(voter(4))))
                .isInstanceOf(ConfChangeException.class).hasMessageContaining("already joint");
        assertThatThrownBy(() -> changer(t).simple(List.of(voter(4))))
                .isInstanceOf(ConfChangeException.class).hasMessageContaining("joint");
        assertThat(leaveJoint(t)).isEqualTo("voters=(1 2 3)");
    }

    @Test
    void leavingANonJointConfigurationIsRefused() {
        ProgressTracker t = withVoters(1, 2);
        assertThatThrownBy(() -> changer(t).leaveJoint())
                .isInstanceOf(ConfChangeException.class).hasMessageContaining("non-joint");
    }

    @Test
    void leaveJointDropsMembersOnlyInTheOutgoingHalf() {
        ProgressTracker t = withVoters(1, 2, 3);
        enterJoint(t, true, remove(1), remove(2), voter(4));
        assertThat(leaveJoint(t)).isEqualTo("voters=(3 4)");
        assertThat(t.config().autoLeave()).isFalse();
        assertThat(t.progressMap().keySet()).containsExactly(3L, 4L);
    }

    @Test
    void demotingAnOutgoingVoterWaitsInLearnersNext() {
        ProgressTracker t = withVoters(1, 2, 3);
        assertThat(enterJoint(t, false, learner(3)))
                .isEqualTo("voters=(1 2)&&(1 2 3) learners_next=(3)");
        // Still a voter of the outgoing half until the joint configuration is left.
        assertThat(t.progress(3).isLearner()).isFalse();
        assertThat(t.config().learners()).isEmpty();

        assertThat(leaveJoint(t)).isEqualTo("voters=(1 2) learners=(3)");
        assertThat(t.progress(3).isLearner()).isTrue();
        assertThat(t.config().learnersNext()).isEmpty();
    }

    @Test
    void addingANewLearnerInJointIsImmediate() {
        ProgressTracker t = withVoters(1, 2);
        assertThat(enterJoint(t, false, learner(3), voter(4)))
                .isEqualTo("voters=(1 2 4)&&(1 2) learners=(3)");
        assertThat(t.progress(3).isLearner()).isTrue();
    }

    @Test
    void promotingALearnersNextBackToVoterCancelsTheDemotion() {
        ProgressTracker t = withVoters(1, 2, 3);
        assertThat(enterJoint(t, false, learner(3), voter(3)))
                .isEqualTo("voters=(1 2 3)&&(1 2 3)");
        assertThat(t.progress(3).isLearner()).isFalse();
    }

    @Test
    void removingALearnersNextKeepsItOnlyAsAnOutgoingVoter() {
        ProgressTracker t = withVoters(1, 2, 3);
        assertThat(enterJoint(t, false, learner(3), remove(3)))
                .isEqualTo("voters=(1 2)&&(1 2 3)");
        assertThat(leaveJoint(t)).isEqualTo("voters=(1 2)");
        assertThat(t.progressMap().keySet()).containsExactly(1L, 2L);
    }

    @Test
    void promotingALearnerInJointMakesItAnIncomingVoter() {
        ProgressTracker t = withVoters(1, 2);
        simple(t, learner(3));
        assertThat(enterJoint(t, false, voter(3), remove(1)))
                .isEqualTo("voters=(2 3)&&(1 2)");
        assertThat(t.progress(3).isLearner()).isFalse();
        assertThat(leaveJoint(t)).isEqualTo("voters=(2 3)");
    }

    @Test
    void computingAChangeLeavesTheLiveTrackerUntouched() {
        ProgressTracker t = withVoters(1, 2);
        t.progress(2).maybeUpdate(4);
        Changer.Result r = changer(t).simple(List.of(learner(2)));
        // Computing a result must not mutate the live tracker's progress.
        assertThat(r.progress().get(2L).isLearner()).isTrue();
        assertThat(t.progress(2).isLearner()).isFalse();
        assertThat(t.config().toString()).isEqualTo("voters=(1 2)");
    }
}
