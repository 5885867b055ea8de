package io.katd.kv.lease;

import com.google.protobuf.ByteString;
import java.util.List;

/**
 * A lease of the replicated table.
 *
 * @param ttlSeconds the TTL it was granted with
 * @param keys the keys attached to it, in unsigned byte order; empty where a caller did not
 *     ask for them
 */
public record Lease(long id, long ttlSeconds, List<ByteString> keys) {

    public Lease {
        if (id <= 0) {
            throw new IllegalArgumentException("lease id must be > 0, got " + id);
        }
        keys = List.copyOf(keys);
    }
}
