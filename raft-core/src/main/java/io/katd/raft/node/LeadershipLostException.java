package io.katd.raft.node;

/**
 * The leader this node knew changed (or there was none) before the request completed.
 * For a proposal or membership change the outcome is unknown: the entry may still commit
 * under the next leader, so a retry may apply it twice unless the command is idempotent.
 * A read had no effect and may be retried.
 */
public final class LeadershipLostException extends RaftNodeException {
    private static final long serialVersionUID = 1L;

    LeadershipLostException(String message) {
        super(message, null);
    }
}
