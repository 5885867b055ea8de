package io.katd.raft.confchange;

import io.katd.proto.raft.ConfChangeSingle;
import io.katd.proto.raft.ConfChangeType;
import io.katd.proto.raft.ConfState;
import io.katd.raft.tracker.ProgressTracker;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds a tracker configuration from a {@link ConfState} (after a restart or a
 * snapshot) by replaying it as a sequence of valid changes from the empty configuration,
 * so that restoring goes through the same validation as changing.
 */
public final class Restore {
    private Restore() {}

    public static Changer.Result restore(ProgressTracker tracker, long lastIndex,
            ConfState cs) {
        List<ConfChangeSingle> outgoing = new ArrayList<>();
        for (long id : cs.getVotersOutgoingList()) {
            outgoing.add(change(ConfChangeType.ConfChangeAddNode, id));
        }
        // The incoming half starts as a copy of the outgoing one when entering joint,
        // so first remove the outgoing voters, then add the incoming members.
        List<ConfChangeSingle> incoming = new ArrayList<>();
        for (long id : cs.getVotersOutgoingList()) {
            incoming.add(change(ConfChangeType.ConfChangeRemoveNode, id));
        }
        for (long id : cs.getVotersList()) {
            incoming.add(change(ConfChangeType.ConfChangeAddNode, id));
        }
        for (long id : cs.getLearnersList()) {
            incoming.add(change(ConfChangeType.ConfChangeAddLearnerNode, id));
        }
        for (long id : cs.getLearnersNextList()) {
            incoming.add(change(ConfChangeType.ConfChangeAddLearnerNode, id));
        }

        ProgressTracker scratch = new ProgressTracker(tracker);
        if (outgoing.isEmpty()) {
            for (ConfChangeSingle cc : incoming) {
                step(scratch, new Changer(scratch, lastIndex).simple(List.of(cc)));
            }
        } else {
            for (ConfChangeSingle cc : outgoing) {
                step(scratch, new Changer(scratch, lastIndex).simple(List.of(cc)));
            }
            step(scratch,
                    new Changer(scratch, lastIndex).enterJoint(cs.getAutoLeave(), incoming));
        }
        return new Changer.Result(scratch.config(), scratch.progressMap());
    }

    private static void step(ProgressTracker scratch, Changer.Result r) {
        scratch.reset(r.config(), r.progress());
    }

    private static ConfChangeSingle change(ConfChangeType type, long id) {
        return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
    }
}
