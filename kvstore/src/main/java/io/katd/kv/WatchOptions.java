package io.katd.kv;

/**
 * How a watch matches keys and what it delivers.
 *
 * @param prefix whether the watched key is a prefix of the keys to watch
 * @param prevKv whether events carry the key-value as it was before the change
 * @param progressNotify whether the watch receives {@link WatchListener#onProgress}
 *     notifications when {@link StateStore#requestProgress} is called
 */
public record WatchOptions(boolean prefix, boolean prevKv, boolean progressNotify) {

    /** One key, events only. */
    public static WatchOptions key() {
        return new WatchOptions(false, false, false);
    }

    /** Every key under a prefix, events only. */
    public static WatchOptions prefixed() {
        return new WatchOptions(true, false, false);
    }

    public WatchOptions withPrevKv() {
        return new WatchOptions(prefix, true, progressNotify);
    }

    public WatchOptions withProgressNotify() {
        return new WatchOptions(prefix, prevKv, true);
    }
}
