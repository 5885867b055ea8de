package io.katd.kv.watch;

/**
 * Receives one watch's responses. The hub calls it on the delivery executor, one call at a time
 * per watch and in stream order (different watches may be called concurrently if the executor
 * has several threads). It must not block: a slow listener holds up the executor thread, not
 * the apply thread, but it delays every watch that shares that thread.
 */
public interface WatchListener {

    /**
     * Receives the next response. If it throws, the watch is cancelled with
     * {@link CancelReason#LISTENER_FAILED} and this listener is not called again.
     */
    void onResponse(WatchResponse response);

    /**
     * Flow control: while this returns false the hub holds this watch's responses back. The
     * holding is bounded: past the watch's buffer the hub stops queueing and later reads the
     * missed revisions from history. Once ready again, call {@link WatchHub#resume(long)}.
     * A cancelled watch is forgotten only after its listener took the CANCELED response, so a
     * listener whose client is gone should report ready and drop what it gets. Called on the
     * delivery executor; must be cheap and must not block.
     */
    default boolean isReady() {
        return true;
    }
}
