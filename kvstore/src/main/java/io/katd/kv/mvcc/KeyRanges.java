package io.katd.kv.mvcc;

import com.google.protobuf.ByteString;

/**
 * etcd's conventions for naming a set of keys with a key and a range end.
 *
 * <ul>
 *   <li>An empty range end names the single key.
 *   <li>The range end {@link #FROM_KEY} ({@code "\0"}) names every key {@code >= key}.
 *   <li>Any other range end names {@code [key, rangeEnd)}, empty when {@code rangeEnd <= key}.
 * </ul>
 *
 * Keys compare as unsigned bytes, lexicographically.
 */
public final class KeyRanges {

    /** The range end that means "every key from the key on". */
    public static final ByteString FROM_KEY = ByteString.copyFrom(new byte[] {0});

    private KeyRanges() {
    }

    /**
     * The range end that, with {@code prefix} as key, names every key starting with
     * {@code prefix}: the prefix with its last byte below 0xff incremented and the bytes after
     * it dropped. A prefix of only 0xff bytes (or an empty one) has no such end, and every key
     * from it on is meant, so this returns {@link #FROM_KEY}.
     */
    public static ByteString prefixEnd(ByteString prefix) {
        for (int i = prefix.size() - 1; i >= 0; i--) {
            int b = prefix.byteAt(i) & 0xff;
            if (b < 0xff) {
                byte[] end = prefix.substring(0, i + 1).toByteArray();
                end[i] = (byte) (b + 1);
                return ByteString.copyFrom(end);
            }
        }
        return FROM_KEY;
    }
}
