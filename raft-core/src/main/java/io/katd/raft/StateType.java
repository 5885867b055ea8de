package io.katd.raft;

/** The role of a node. */
public enum StateType {
    FOLLOWER,
    CANDIDATE,
    LEADER,
    /** Asking whether it could win (PreVote, thesis section 9.6) before raising its term. */
    PRE_CANDIDATE
}
