package io.katd.kv;

/** The lease does not exist (never granted, revoked or expired). */
public final class NoSuchLeaseException extends StoreException {
    private static final long serialVersionUID = 1L;

    public NoSuchLeaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
