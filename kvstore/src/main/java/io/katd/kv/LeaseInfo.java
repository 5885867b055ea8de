package io.katd.kv;

import com.google.protobuf.ByteString;
import java.util.List;

/**
 * A lease as its time-to-live query sees it (etcd's LeaseTimeToLive).
 *
 * @param grantedTtlSeconds the TTL the lease was granted with
 * @param remainingTtlSeconds the seconds left before the leader revokes it; 0 if expired
 * @param keys the keys attached to the lease, in key order
 */
public record LeaseInfo(long id, long grantedTtlSeconds, long remainingTtlSeconds,
        List<ByteString> keys) {

    public LeaseInfo {
        keys = List.copyOf(keys);
    }
}
