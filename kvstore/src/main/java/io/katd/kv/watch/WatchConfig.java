package io.katd.kv.watch;

/**
 * Limits of a {@link WatchHub}.
 *
 * @param bufferEventsMax the events a watch may have queued but not yet delivered; a revision
 *     that does not fit sends the watch back to history. A single revision larger than this
 *     is still queued when nothing else is, so that it can ever be delivered
 * @param bufferBytesMax likewise, in serialized event bytes
 * @param syncRevisionsMax the revisions of history one catch-up task reads, summed over the
 *     watches it serves: bounds how long a task holds the apply thread
 * @param drainResponsesMax the responses one delivery task hands to a listener before it yields
 *     the executor thread to other watches
 */
public record WatchConfig(int bufferEventsMax, long bufferBytesMax, int syncRevisionsMax,
        int drainResponsesMax) {

    public WatchConfig {
        requirePositive(bufferEventsMax, "bufferEventsMax");
        requirePositive(bufferBytesMax, "bufferBytesMax");
        requirePositive(syncRevisionsMax, "syncRevisionsMax");
        requirePositive(drainResponsesMax, "drainResponsesMax");
    }

    /**
     * Defaults: 1024 events or 1 MiB per watch (so that a catch-up response stays well under
     * gRPC's 4 MiB message limit), 1000 revisions per catch-up task, 64 responses per drain.
     */
    public static WatchConfig defaults() {
        return new WatchConfig(1024, 1 << 20, 1000, 64);
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
    }
}
