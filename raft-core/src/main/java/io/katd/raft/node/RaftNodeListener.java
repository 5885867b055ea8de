package io.katd.raft.node;

import io.katd.raft.StateType;

/**
 * Observes a node's view of leadership. Callbacks run on the node's completion executor,
 * never on the raft thread; with the default (single-threaded) executor they arrive in
 * the order the changes happened.
 */
public interface RaftNodeListener {

    /** The node learned of a new leader or term; {@code leaderId} is 0 while none is known. */
    default void onLeaderChange(long leaderId, long term) {}

    /** The node's own role changed. */
    default void onRoleChange(StateType role, long term) {}

    /**
     * A proposal made through {@link RaftNode#propose} on this node finished: applied
     * ({@code committed}) or failed, {@code latencyNanos} after it was made (on the node's
     * clock). For metrics; called once per proposal, so keep it cheap.
     */
    default void onProposalDone(boolean committed, long latencyNanos) {}
}
