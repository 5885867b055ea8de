package io.katd.raft.confchange;

/** A membership change that cannot be applied to the current configuration. */
public final class ConfChangeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfChangeException(String message) {
        super(message);
    }
}
