package io.katd.raft.tracker;

/** How the leader replicates to one follower. */
public enum ProgressState {
    /**
     * The leader does not know the follower's log: it sends at most one MsgApp per
     * heartbeat interval and waits for the answer to learn where the logs match.
     */
    PROBE,
    /** The logs match up to Match: the leader streams entries optimistically. */
    REPLICATE,
    /** The follower needs a snapshot; nothing else is sent until it is reported. */
    SNAPSHOT
}
