package io.katd.kv;

/** The store refused the request as malformed; it had no effect. */
public final class InvalidRequestException extends StoreException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
