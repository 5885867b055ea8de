package io.katd.raft.quorum;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Two majority configurations that must both agree: the incoming one and, while a
 * joint configuration is in effect, the outgoing one (Raft thesis, section 4.3). Outside
 * a joint configuration the outgoing half is empty, and the empty half agrees with
 * everything.
 */
public record JointConfig(MajorityConfig incoming, MajorityConfig outgoing) {

    public JointConfig {
        if (incoming == null || outgoing == null) {
            throw new IllegalArgumentException("both halves must be non-null");
        }
    }

    public static JointConfig of(MajorityConfig incoming) {
        return new JointConfig(incoming, MajorityConfig.empty());
    }

    public boolean isJoint() {
        return !outgoing.isEmpty();
    }

    /** The union of both halves, in ascending order. */
    public Set<Long> ids() {
        TreeSet<Long> all = new TreeSet<>(incoming.ids());
        all.addAll(outgoing.ids());
        return all;
    }

    public boolean contains(long id) {
        return incoming.contains(id) || outgoing.contains(id);
    }

    /** The largest index committed in both halves. */
    public long committedIndex(AckedIndexer acked) {
        return Math.min(incoming.committedIndex(acked), outgoing.committedIndex(acked));
    }

    /** Won when both halves won, lost when either lost, pending otherwise. */
    public VoteResult voteResult(Map<Long, Boolean> votes) {
        VoteResult r1 = incoming.voteResult(votes);
        VoteResult r2 = outgoing.voteResult(votes);
        if (r1 == r2) {
            return r1;
        }
        if (r1 == VoteResult.LOST || r2 == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }

    @Override
    public String toString() {
        return isJoint() ? incoming + "&&" + outgoing : incoming.toString();
    }
}
