package io.katd.kv.mvcc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Mutations to apply to a {@link Backend} atomically, in the order they were added. The byte
 * arrays are handed over, not copied: callers must not change them afterwards.
 */
public final class BackendBatch {

    /** One put ({@code value != null}) or delete ({@code value == null}). */
    public record Mutation(byte[] key, byte[] value) {
        public Mutation {
            Objects.requireNonNull(key, "key");
        }

        public boolean isDelete() {
            return value == null;
        }
    }

    private final List<Mutation> mutations = new ArrayList<>();

    public BackendBatch put(byte[] key, byte[] value) {
        mutations.add(new Mutation(key, Objects.requireNonNull(value, "value")));
        return this;
    }

    public BackendBatch delete(byte[] key) {
        mutations.add(new Mutation(key, null));
        return this;
    }

    public List<Mutation> mutations() {
        return Collections.unmodifiableList(mutations);
    }

    public int size() {
        return mutations.size();
    }
}
