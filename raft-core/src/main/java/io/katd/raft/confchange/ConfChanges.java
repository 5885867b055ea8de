package io.katd.raft.confchange;

import io.katd.proto.raft.ConfChange;
import io.katd.proto.raft.ConfChangeSingle;
import io.katd.proto.raft.ConfChangeTransition;
import io.katd.proto.raft.ConfChangeV2;

/** Interpretation of conf change messages: which kind of transition each one asks for. */
public final class ConfChanges {
    private ConfChanges() {}

    /** A V1 change is a V2 change with a single step. */
    public static ConfChangeV2 toV2(ConfChange cc) {
        return ConfChangeV2.newBuilder()
                .addChanges(ConfChangeSingle.newBuilder()
                        .setType(cc.getType()).setNodeId(cc.getNodeId()))
                .setContext(cc.getContext())
                .build();
    }

    /** An empty change with the automatic transition means: leave the joint config. */
    public static boolean leaveJoint(ConfChangeV2 cc) {
        return cc.getTransition() == ConfChangeTransition.ConfChangeTransitionAuto
                && cc.getChangesCount() == 0;
    }

    /**
     * Whether the change must use a joint configuration: always unless the transition is
     * automatic and at most one step is asked for.
     */
    public static boolean enterJoint(ConfChangeV2 cc) {
        return cc.getTransition() != ConfChangeTransition.ConfChangeTransitionAuto
                || cc.getChangesCount() > 1;
    }

    /** Whether a joint configuration entered by this change is left automatically. */
    public static boolean autoLeave(ConfChangeV2 cc) {
        return cc.getTransition() != ConfChangeTransition.ConfChangeTransitionJointExplicit;
    }
}
