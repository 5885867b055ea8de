package io.katd.kv;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * One key's current value. {@code modRevision} is the revision of its last change and serves
 * as its version for optimistic concurrency (compare it in a transaction); {@code version}
 * counts the puts since the key was created.
 *
 * @param lease the lease the key is attached to, 0 for none
 */
public record KV(ByteString key, ByteString value, long createRevision, long modRevision,
        long version, long lease) {

    public KV {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
