package io.katd.kv;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * One operation of a transaction branch. GET reads {@code key} (or every key under it with
 * {@code prefix}); PUT writes {@code value} with {@code lease}; DELETE removes {@code key} (or
 * every key under it with {@code prefix}).
 */
public record Op(OpType type, ByteString key, ByteString value, long lease, boolean prefix) {

    public Op {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (key.isEmpty() && !prefix) {
            throw new IllegalArgumentException("an op on a single key needs a non-empty key");
        }
        if (type != OpType.PUT && (!value.isEmpty() || lease != 0)) {
            throw new IllegalArgumentException(type + " takes no value and no lease");
        }
        if (type == OpType.PUT && prefix) {
            throw new IllegalArgumentException("a put writes one key, not a prefix");
        }
        if (lease < 0) {
            throw new IllegalArgumentException("lease must be >= 0, got " + lease);
        }
    }

    public static Op get(ByteString key) {
        return new Op(OpType.GET, key, ByteString.EMPTY, 0, false);
    }

    public static Op getPrefix(ByteString prefix) {
        return new Op(OpType.GET, prefix, ByteString.EMPTY, 0, true);
    }

    public static Op put(ByteString key, ByteString value) {
        return new Op(OpType.PUT, key, value, 0, false);
    }

    public static Op put(ByteString key, ByteString value, long lease) {
        return new Op(OpType.PUT, key, value, lease, false);
    }

    public static Op delete(ByteString key) {
        return new Op(OpType.DELETE, key, ByteString.EMPTY, 0, false);
    }

    public static Op deletePrefix(ByteString prefix) {
        return new Op(OpType.DELETE, prefix, ByteString.EMPTY, 0, true);
    }
}
