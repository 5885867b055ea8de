package io.katd.raft.quorum;

/** The outcome of counting votes against a configuration. */
public enum VoteResult {
    /** Neither a quorum of grants nor a quorum of rejections yet: more votes can decide. */
    PENDING,
    /** A quorum rejected; no outstanding vote can change that. */
    LOST,
    /** A quorum granted. */
    WON
}
