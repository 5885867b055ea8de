package io.katd.kv.mvcc;

import com.google.protobuf.ByteString;
import java.util.Collections;
import java.util.Comparator;
import java.util.NavigableMap;

/**
 * A key and a range end resolved by {@link KeyRanges}' conventions into bounds.
 *
 * @param start the first key of the range, never empty
 * @param end the exclusive end, or null when the range is unbounded above
 * @param single whether the range is exactly {@code start}
 */
record KeyRange(ByteString start, ByteString end, boolean single) {

    static final Comparator<ByteString> ORDER = ByteString.unsignedLexicographicalComparator();

    static KeyRange of(ByteString key, ByteString rangeEnd) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
        if (rangeEnd.isEmpty()) {
            return new KeyRange(key, null, true);
        }
        if (rangeEnd.equals(KeyRanges.FROM_KEY)) {
            return new KeyRange(key, null, false);
        }
        return new KeyRange(key, rangeEnd, false);
    }

    boolean contains(ByteString key) {
        if (single) {
            return start.equals(key);
        }
        return ORDER.compare(start, key) <= 0 && (end == null || ORDER.compare(key, end) < 0);
    }

    /** The entries of {@code map}, which must be ordered by {@link #ORDER}, inside this range. */
    <V> NavigableMap<ByteString, V> slice(NavigableMap<ByteString, V> map) {
        if (single) {
            return map.subMap(start, true, start, true);
        }
        if (end == null) {
            return map.tailMap(start, true);
        }
        if (ORDER.compare(end, start) <= 0) {
            return Collections.emptyNavigableMap();
        }
        return map.subMap(start, true, end, false);
    }
}
