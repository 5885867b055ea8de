package io.katd.kv.mvcc;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * Writes {@code value} under {@code key}.
 *
 * @param lease the lease to attach, 0 for none; the store records it without checking it
 * @param prevKv whether the result should carry the key-value the put replaced
 */
public record PutRequest(ByteString key, ByteString value, long lease, boolean prevKv)
        implements TxnOp {

    public PutRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("put key must not be empty");
        }
        if (lease < 0) {
            throw new IllegalArgumentException("lease must be >= 0, got " + lease);
        }
    }

    public static PutRequest of(ByteString key, ByteString value) {
        return new PutRequest(key, value, 0, false);
    }

    public PutRequest withLease(long newLease) {
        return new PutRequest(key, value, newLease, prevKv);
    }

    public PutRequest withPrevKv() {
        return new PutRequest(key, value, lease, true);
    }
}
