package io.katd.kv;

/**
 * The request had no effect: no leader was known or the node was overloaded; retrying later is
 * safe.
 */
public final class StoreUnavailableException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
