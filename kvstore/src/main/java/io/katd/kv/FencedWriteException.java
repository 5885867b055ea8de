package io.katd.kv;

/**
 * A write made through a Leadership was rejected at apply time: its entry was appended in
 * another term than the leadership's, so the leadership is over. It had no effect.
 */
public final class FencedWriteException extends StoreException {
    private static final long serialVersionUID = 1L;

    public FencedWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
