package io.katd.raft;

import io.katd.proto.raft.HardState;
import io.katd.raft.tracker.ProgressState;
import java.util.Map;

/**
 * A point-in-time view of a node, for introspection and tests.
 *
 * @param progress the leader's view of each member; empty unless this node is leader
 */
public record Status(
        long id,
        HardState hardState,
        SoftState softState,
        long applied,
        long lastIndex,
        String config,
        Map<Long, PeerProgress> progress,
        long leadTransferee) {

    public Status {
        progress = Map.copyOf(progress);
    }

    /** The leader's replication state for one member. */
    public record PeerProgress(
            long match,
            long next,
            ProgressState state,
            boolean isLearner,
            boolean paused,
            boolean recentActive,
            long pendingSnapshot,
            int inflight) {}
}
