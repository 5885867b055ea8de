package io.katd.kv;

import java.util.Objects;

/**
 * One change seen by a watch. For a DELETE, {@code kv} holds the key and, as its mod
 * revision, the revision of the delete.
 *
 * @param revision the store revision of the change
 */
public record WatchEvent(EventType type, KV kv, long revision) {

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kv, "kv");
    }
}
