package io.katd.raft.node;

/**
 * A proposal or membership change was not accepted, so it has no effect: the node knows
 * no leader, a leadership transfer is in progress, the leader's bound on uncommitted
 * entries or the node's inbox is full, or the leader refused the change. Retrying later
 * is safe.
 */
public final class ProposalDroppedException extends RaftNodeException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    ProposalDroppedException(long nodeId, String reason) {
        super("node " + nodeId + " dropped the proposal: " + reason, null);
        this.reason = reason;
    }

    /** Why the proposal was dropped, as far as the node knows. */
    public String reason() {
        return reason;
    }
}
