package io.katd.kv.watch;

import com.google.protobuf.ByteString;
import io.katd.kv.mvcc.KeyRanges;
import java.util.Objects;

/**
 * What a watch asks for: the keys named by {@code key} and {@code rangeEnd} (etcd's
 * conventions, see {@link KeyRanges}), from {@code startRevision} on.
 *
 * @param startRevision the first revision to report; 0 means "from now": the revision after
 *     the current one when the hub registers the watch
 * @param prevKv whether events carry the key-value before the change
 * @param noPut whether put events are left out
 * @param noDelete whether delete events are left out
 * @param progressNotify whether the watch receives progress notifications while it is synced
 */
public record WatchRequest(ByteString key, ByteString rangeEnd, long startRevision,
        boolean prevKv, boolean noPut, boolean noDelete, boolean progressNotify) {

    public WatchRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(rangeEnd, "rangeEnd");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("watch key must not be empty; use \"\\0\" with"
                    + " range end \"\\0\" to watch every key");
        }
        if (startRevision < 0) {
            throw new IllegalArgumentException("start revision must be >= 0, got "
                    + startRevision);
        }
    }

    /** Watches the single key {@code key} from now on. */
    public static WatchRequest key(ByteString key) {
        return new WatchRequest(key, ByteString.EMPTY, 0, false, false, false, false);
    }

    /** Watches every key starting with {@code prefix}; an empty prefix means every key. */
    public static WatchRequest prefix(ByteString prefix) {
        return prefix.isEmpty()
                ? range(KeyRanges.FROM_KEY, KeyRanges.FROM_KEY)
                : range(prefix, KeyRanges.prefixEnd(prefix));
    }

    /** Watches the keys named by {@code key} and {@code rangeEnd} from now on. */
    public static WatchRequest range(ByteString key, ByteString rangeEnd) {
        return new WatchRequest(key, rangeEnd, 0, false, false, false, false);
    }

    public WatchRequest fromRevision(long revision) {
        return new WatchRequest(key, rangeEnd, revision, prevKv, noPut, noDelete,
                progressNotify);
    }

    public WatchRequest withPrevKv() {
        return new WatchRequest(key, rangeEnd, startRevision, true, noPut, noDelete,
                progressNotify);
    }

    public WatchRequest withoutPuts() {
        return new WatchRequest(key, rangeEnd, startRevision, prevKv, true, noDelete,
                progressNotify);
    }

    public WatchRequest withoutDeletes() {
        return new WatchRequest(key, rangeEnd, startRevision, prevKv, noPut, true,
                progressNotify);
    }

    public WatchRequest withProgressNotify() {
        return new WatchRequest(key, rangeEnd, startRevision, prevKv, noPut, noDelete, true);
    }
}
