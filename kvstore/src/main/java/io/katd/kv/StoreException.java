package io.katd.kv;

/** Why a {@link StateStore} request failed; futures fail with one of the subclasses. */
public abstract class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
