package io.katd.raft;

import io.katd.proto.raft.Entry;
import io.katd.proto.raft.Snapshot;
import java.util.List;

/**
 * A {@link Storage} that passes every read to the storage it wraps; subclasses override
 * the reads they change.
 */
public abstract class ForwardingStorage implements Storage {
    private final Storage storage;

    protected ForwardingStorage(Storage storage) {
        this.storage = storage;
    }

    @Override
    public InitialState initialState() {
        return storage.initialState();
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxSizeBytes) {
        return storage.entries(lo, hi, maxSizeBytes);
    }

    @Override
    public long term(long index) {
        return storage.term(index);
    }

    @Override
    public long lastIndex() {
        return storage.lastIndex();
    }

    @Override
    public long firstIndex() {
        return storage.firstIndex();
    }

    @Override
    public Snapshot snapshot() {
        return storage.snapshot();
    }
}
