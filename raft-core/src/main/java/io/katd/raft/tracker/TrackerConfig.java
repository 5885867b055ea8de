package io.katd.raft.tracker;

import io.katd.raft.quorum.JointConfig;
import io.katd.raft.quorum.MajorityConfig;
import java.util.Set;
import java.util.TreeSet;

/**
 * A membership configuration: the (possibly joint) voters and the learners.
 *
 * <p>Invariants: voters and learners do not intersect; learnersNext holds only voters of
 * the outgoing half, which become learners when the joint configuration is left;
 * autoLeave is only set while joint.
 */
public record TrackerConfig(
        JointConfig voters, Set<Long> learners, Set<Long> learnersNext, boolean autoLeave) {

    public TrackerConfig {
        learners = java.util.Collections.unmodifiableSet(new TreeSet<>(learners));
        learnersNext = java.util.Collections.unmodifiableSet(new TreeSet<>(learnersNext));
        for (long id : learners) {
            if (voters.contains(id)) {
                throw new IllegalArgumentException(id + " is both voter and learner");
            }
        }
        for (long id : learnersNext) {
            if (!voters.outgoing().contains(id)) {
                throw new IllegalArgumentException(id + " in learnersNext but not outgoing voter");
            }
        }
        if (autoLeave && !voters.isJoint()) {
            throw new IllegalArgumentException("autoLeave set outside a joint configuration");
        }
    }

    public static TrackerConfig empty() {
        return new TrackerConfig(JointConfig.of(MajorityConfig.empty()), Set.of(), Set.of(),
                false);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("voters=").append(voters);
        if (!learners.isEmpty()) {
            sb.append(" learners=").append(ids(learners));
        }
        if (!learnersNext.isEmpty()) {
            sb.append(" learners_next=").append(ids(learnersNext));
        }
        if (autoLeave) {
            sb.append(" autoleave");
        }
        return sb.toString();
    }

    private static String ids(Set<Long> ids) {
        return new MajorityConfig(ids).toString();
    }
}
