package io.katd.kv;

/** The store or its Raft node is closed. */
public final class StoreClosedException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
