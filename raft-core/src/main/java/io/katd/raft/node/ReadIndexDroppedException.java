package io.katd.raft.node;

/**
 * A read was not served, so it had no effect: the node knew no leader to confirm it,
 * or its inbox was full. Retrying later is safe.
 */
public final class ReadIndexDroppedException extends RaftNodeException {
    private static final long serialVersionUID = 1L;

    ReadIndexDroppedException(long nodeId, String reason) {
        super("node " + nodeId + " dropped the read: " + reason, null);
    }
}
