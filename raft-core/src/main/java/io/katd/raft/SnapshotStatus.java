package io.katd.raft;

/** The outcome of sending a snapshot to a follower, reported back to the leader. */
public enum SnapshotStatus {
    FINISH,
    FAILURE
}
