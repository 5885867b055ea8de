package io.katd.raft.confchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.proto.raft.ConfChangeSingle;
import io.katd.proto.raft.ConfChangeType;
import io.katd.proto.raft.ConfState;
import io.katd.raft.tracker.ProgressTracker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * A configuration reached by any sequence of valid changes is what {@link Restore}
 * rebuilds from its ConfState: restarting a node or installing a snapshot must not
 * change who votes, who learns, or who becomes a learner on leaving joint consensus.
 */
class RestoreProperties {
    private static final long LAST_INDEX = 10;
    private static final long ID_MAX = 6;

    enum Kind { SIMPLE, ENTER_JOINT, LEAVE_JOINT }

    record Op(Kind kind, boolean autoLeave, List<ConfChangeSingle> changes) {
        Changer.Result applyTo(Changer changer) {
            return switch (kind) {
                case SIMPLE -> changer.simple(changes);
                case ENTER_JOINT -> changer.enterJoint(autoLeave, changes);
                case LEAVE_JOINT -> changer.leaveJoint();
            };
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<ConfChangeSingle> change = Combinators.combine(
                Arbitraries.frequency(
                        Tuple.of(3, ConfChangeType.ConfChangeAddNode),
                        Tuple.of(2, ConfChangeType.ConfChangeAddLearnerNode),
                        Tuple.of(2, ConfChangeType.ConfChangeRemoveNode)),
                Arbitraries.longs().between(1, ID_MAX))
                .as((type, id) -> ConfChangeSingle.newBuilder().setType(type).setNodeId(id)
                        .build());
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.of(Kind.values()),
                Arbitraries.of(true, false),
                change.list().ofMinSize(1).ofMaxSize(4))
                .as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(20);
    }

    @Property(tries = 1000, seed = "7733")
    void restoringTheConfStateGivesBackTheConfiguration(@ForAll("ops") List<Op> ops) {
        ProgressTracker tracker = new ProgressTracker(4, 0);
        boolean sawJoint = false;
        boolean sawLearnersNext = false;
        for (Op op : ops) {
            Changer.Result result;
            try {
                result = op.applyTo(new Changer(tracker, LAST_INDEX));
            } catch (ConfChangeException refused) {
                // An invalid change is skipped, as a leader would refuse to propose it.
                continue;
            }
            tracker.reset(result.config(), result.progress());
            sawJoint |= tracker.config().voters().isJoint();
            sawLearnersNext |= !tracker.config().learnersNext().isEmpty();
            checkRestores(tracker, tracker.confState());
            checkRestores(tracker, reversed(tracker.confState()));
        }
        Statistics.label("joint").collect(sawJoint)
                .coverage(c -> c.check(true).percentage(p -> p > 20));
        Statistics.label("learnersNext").collect(sawLearnersNext)
                .coverage(c -> c.check(true).percentage(p -> p > 5));
    }

    private static void checkRestores(ProgressTracker tracker, ConfState cs) {
        Changer.Result restored = Restore.restore(new ProgressTracker(4, 0), LAST_INDEX, cs);
        assertThat(restored.config()).isEqualTo(tracker.config());
        assertThat(restored.progress().keySet()).isEqualTo(tracker.progressMap().keySet());
        restored.progress().forEach((id, pr) -> assertThat(pr.isLearner())
                .as("learner flag of %d", id).isEqualTo(tracker.progress(id).isLearner()));
        ProgressTracker again = new ProgressTracker(4, 0);
        again.reset(restored.config(), restored.progress());
        assertThat(again.confState()).isEqualTo(tracker.confState());
    }

    /** The same configuration with every id list in the opposite order. */
    private static ConfState reversed(ConfState cs) {
        return ConfState.newBuilder()
                .addAllVoters(reverse(cs.getVotersList()))
                .addAllVotersOutgoing(reverse(cs.getVotersOutgoingList()))
                .addAllLearners(reverse(cs.getLearnersList()))
                .addAllLearnersNext(reverse(cs.getLearnersNextList()))
                .setAutoLeave(cs.getAutoLeave())
                .build();
    }

    private static List<Long> reverse(List<Long> ids) {
        List<Long> out = new ArrayList<>(ids);
        Collections.reverse(out);
        return out;
    }
}
