package io.katd.kv;

/** A running watch; cancelling it stops its events. */
public interface WatchHandle extends AutoCloseable {

    /** Stops the watch; idempotent. */
    void cancel();

    @Override
    default void close() {
        cancel();
    }
}
