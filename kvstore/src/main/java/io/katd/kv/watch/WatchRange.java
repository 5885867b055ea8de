package io.katd.kv.watch;

import com.google.protobuf.ByteString;
import io.katd.kv.mvcc.KeyRanges;
import java.util.Comparator;

/**
 * The keys a watch covers, resolved from a key and range end by etcd's conventions: an empty
 * range end is the single key, {@link KeyRanges#FROM_KEY} every key from the key on, anything
 * else {@code [key, rangeEnd)}.
 *
 * @param end the exclusive end, or null when unbounded above
 */
record WatchRange(ByteString start, ByteString end, boolean single) {

    private static final Comparator<ByteString> ORDER =
            ByteString.unsignedLexicographicalComparator();

    static WatchRange of(ByteString key, ByteString rangeEnd) {
        if (rangeEnd.isEmpty()) {
            return new WatchRange(key, null, true);
        }
        return new WatchRange(key, rangeEnd.equals(KeyRanges.FROM_KEY) ? null : rangeEnd,
                false);
    }

    boolean contains(ByteString key) {
        if (single) {
            return start.equals(key);
        }
        return ORDER.compare(start, key) <= 0 && (end == null || ORDER.compare(key, end) < 0);
    }
}
