package io.katd.raft.sim;

/** A checker found the recorded history to break a Raft invariant. */
final class InvariantViolation extends AssertionError {
    private static final long serialVersionUID = 1L;

    InvariantViolation(String checker, String message) {
        super(checker + ": " + message);
    }
}
