package io.katd.kv.mvcc;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * Deletes the keys named by {@code key} and {@code rangeEnd} (see {@link KeyRanges}).
 *
 * @param prevKv whether the result should carry the deleted key-values
 */
public record DeleteRangeRequest(ByteString key, ByteString rangeEnd, boolean prevKv)
        implements TxnOp {

    public DeleteRangeRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(rangeEnd, "rangeEnd");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("delete key must not be empty");
        }
    }

    public static DeleteRangeRequest single(ByteString key) {
        return new DeleteRangeRequest(key, ByteString.EMPTY, false);
    }

    public static DeleteRangeRequest of(ByteString key, ByteString rangeEnd) {
        return new DeleteRangeRequest(key, rangeEnd, false);
    }

    /** Deletes every key starting with {@code prefix}; an empty prefix deletes every key. */
    public static DeleteRangeRequest prefix(ByteString prefix) {
        return prefix.isEmpty()
                ? of(KeyRanges.FROM_KEY, KeyRanges.FROM_KEY)
                : of(prefix, KeyRanges.prefixEnd(prefix));
    }

    public DeleteRangeRequest withPrevKv() {
        return new DeleteRangeRequest(key, rangeEnd, true);
    }
}
