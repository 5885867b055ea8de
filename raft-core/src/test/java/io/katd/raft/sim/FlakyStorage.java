package io.katd.raft.sim;

import io.katd.proto.raft.Entry;
import io.katd.proto.raft.Snapshot;
import io.katd.raft.MemoryStorage;
import io.katd.raft.Storage;
import io.katd.raft.StorageException;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The node's view of its MemoryStorage, except that a snapshot is sometimes "being made"
 * ({@link StorageException.SnapshotTemporarilyUnavailable}), which the leader must survive
 * and retry.
 */
final class FlakyStorage implements Storage {
    private final MemoryStorage delegate;
    private final RandomGenerator random;
    private final double unavailableRate;

    FlakyStorage(MemoryStorage delegate, RandomGenerator random, double unavailableRate) {
        this.delegate = delegate;
        this.random = random;
        this.unavailableRate = unavailableRate;
    }

    @Override
    public InitialState initialState() {
        return delegate.initialState();
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        return delegate.entries(lo, hi, maxBytes);
    }

    @Override
    public long term(long index) {
        return delegate.term(index);
    }

    @Override
    public long lastIndex() {
        return delegate.lastIndex();
    }

    @Override
    public long firstIndex() {
        return delegate.firstIndex();
    }

    @Override
    public Snapshot snapshot() {
        if (random.nextDouble() < unavailableRate) {
            throw new StorageException.SnapshotTemporarilyUnavailable();
        }
        return delegate.snapshot();
    }
}
