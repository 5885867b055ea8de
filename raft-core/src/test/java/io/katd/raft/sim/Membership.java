package io.katd.raft.sim;

import io.katd.proto.raft.ConfChange;
import io.katd.proto.raft.ConfChangeSingle;
import io.katd.proto.raft.ConfChangeTransition;
import io.katd.proto.raft.ConfChangeType;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.ConfState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The operator's membership changes, planned against the latest configuration any node
 * applied: add a new node as learner or voter (starting its process with empty storage),
 * promote, demote or remove (the leader too), and joint changes with every transition.
 * Proposals go to a random node and may be dropped or refused; that is part of the test.
 */
final class Membership {
    private static final ConfChangeTransition[] TRANSITIONS = {
        ConfChangeTransition.ConfChangeTransitionAuto,
        ConfChangeTransition.ConfChangeTransitionJointImplicit,
        ConfChangeTransition.ConfChangeTransitionJointExplicit,
    };

    private final Simulation sim;
    private final SplittableRandom random;

    Membership(Simulation sim, SplittableRandom random) {
        this.sim = sim;
        this.random = random;
    }

    void change() {
        ConfState cs = sim.latestConf;
        if (cs.getVotersOutgoingCount() > 0) {
            leaveExplicitJoint();
            return;
        }
        List<Long> voters = cs.getVotersList();
        List<Long> learners = cs.getLearnersList();
        switch (random.nextInt(7)) {
            case 0 -> single(ConfChangeType.ConfChangeAddLearnerNode, joinerId());
            case 1 -> single(ConfChangeType.ConfChangeAddNode, joinerId());
            case 2 -> single(ConfChangeType.ConfChangeAddNode, pick(learners));
            case 3 -> single(ConfChangeType.ConfChangeRemoveNode,
                    voters.size() >= 3 ? pick(voters) : 0);
            case 4 -> single(ConfChangeType.ConfChangeAddLearnerNode,
                    voters.size() >= 3 ? pick(voters) : 0);
            case 5 -> single(ConfChangeType.ConfChangeRemoveNode, pick(learners));
            default -> joint(voters, learners);
        }
    }

    /** A joint configuration entered with the explicit transition is left on request. */
    void leaveExplicitJoint() {
        ConfState cs = sim.latestConf;
        if (cs.getVotersOutgoingCount() > 0 && !cs.getAutoLeave()) {
            propose(ConfChangeV2.getDefaultInstance());
        }
    }

    private void single(ConfChangeType type, long id) {
        if (id == 0) {
            return;
        }
        SimNode n = pickNode();
        if (n == null) {
            return;
        }
        if (random.nextBoolean()) {
            n.raw.proposeConfChange(ConfChange.newBuilder().setType(type).setNodeId(id).build());
            sim.afterInput(n);
        } else {
            propose(ConfChangeV2.newBuilder().addChanges(change(type, id)).build());
        }
    }

    /** Replaces a voter: promote a learner (or add a new node) and remove a voter. */
    private void joint(List<Long> voters, List<Long> learners) {
        long in = learners.isEmpty() ? joinerId() : pick(learners);
        long out = pick(voters);
        if (in == 0 || out == 0) {
            return;
        }
        ConfChangeV2.Builder cc = ConfChangeV2.newBuilder()
                .setTransition(TRANSITIONS[random.nextInt(TRANSITIONS.length)])
                .addChanges(change(ConfChangeType.ConfChangeAddNode, in));
        if (random.nextInt(4) != 0) {
            cc.addChanges(change(ConfChangeType.ConfChangeRemoveNode, out));
        }
        propose(cc.build());
    }

    private void propose(ConfChangeV2 cc) {
        SimNode n = pickNode();
        if (n != null) {
            n.raw.proposeConfChange(cc);
            sim.afterInput(n);
        }
    }

    /**
     * A node to add: one started earlier that never became a member, else a new one
     * while the cluster has grown by fewer than two; 0 if none. Removed members are never
     * added back.
     */
    private long joinerId() {
        for (SimNode n : sim.nodes.values()) {
            if (n.status != SimNode.Status.RETIRED && !sim.everMember.contains(n.id)) {
                return n.id;
            }
        }
        if (sim.nodes.size() >= sim.scenario.size() + 2) {
            return 0;
        }
        return sim.addJoiner(sim.nodes.lastKey() + 1).id;
    }

    private static ConfChangeSingle change(ConfChangeType type, long id) {
        return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
    }

    private long pick(List<Long> ids) {
        return ids.isEmpty() ? 0 : ids.get(random.nextInt(ids.size()));
    }

    private SimNode pickNode() {
        List<SimNode> r = new ArrayList<>(sim.runnable());
        return r.isEmpty() ? null : r.get(random.nextInt(r.size()));
    }
}
