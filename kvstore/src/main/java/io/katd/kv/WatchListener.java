package io.katd.kv;

import java.util.List;

/**
 * Receives a watch's events, one call at a time and in revision order; all events of one
 * revision arrive in the same call. Must not block.
 */
public interface WatchListener {

    void onEvents(List<WatchEvent> events);

    /**
     * Every change up to {@code revision} that the watch matches has been delivered
     * (sent to watches with {@link WatchOptions#progressNotify} when progress is requested).
     */
    default void onProgress(long revision) {}

    /**
     * The watch ended without being cancelled by its owner: with a {@link
     * CompactedRevisionException} when its start revision (or the history it lagged on) was
     * compacted, a {@link StoreClosedException} when the store closed.
     */
    default void onEnded(StoreException cause) {}
}
