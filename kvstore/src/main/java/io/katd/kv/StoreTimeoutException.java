package io.katd.kv;

/**
 * The outcome is unknown: the request did not complete in time, or the leader changed while it
 * was in flight; a write may still apply.
 */
public final class StoreTimeoutException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
