package io.katd.kv;

import java.util.List;
import java.util.Objects;

/**
 * The result of one {@link Op}: for GET the key-values read, for PUT nothing but the revision,
 * for DELETE the number of keys deleted.
 *
 * @param revision the store revision the operation saw or wrote
 */
public record OpResult(OpType type, long revision, List<KV> kvs, long deleted) {

    public OpResult {
        Objects.requireNonNull(type, "type");
        kvs = List.copyOf(kvs);
    }
}
