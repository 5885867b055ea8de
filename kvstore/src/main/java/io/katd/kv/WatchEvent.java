package io.katd.kv;

import java.util.Objects;
import java.util.Optional;

/**
 * One change seen by a watch. For a DELETE, {@code kv} holds the key and, as its mod
 * revision, the revision of the delete.
 *
 * @param revision the store revision of the change
 * @param prevKv the key-value before the change, if the watch asked for it and the key
 *     existed
 */
public record WatchEvent(EventType type, KV kv, long revision, Optional<KV> prevKv) {

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kv, "kv");
        Objects.requireNonNull(prevKv, "prevKv");
    }

    /** An event without the previous key-value. */
    public WatchEvent(EventType type, KV kv, long revision) {
        this(type, kv, revision, Optional.empty());
    }
}
