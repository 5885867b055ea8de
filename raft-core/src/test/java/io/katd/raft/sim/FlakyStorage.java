package io.katd.raft.sim;

import io.katd.proto.raft.Snapshot;
import io.katd.raft.ForwardingStorage;
import io.katd.raft.MemoryStorage;
import io.katd.raft.StorageException;
import java.util.random.RandomGenerator;

/**
 * The node's view of its MemoryStorage, except that a snapshot is sometimes "being made"
 * ({@link StorageException.SnapshotTemporarilyUnavailable}), which the leader must survive
 * and retry.
 */
final class FlakyStorage extends ForwardingStorage {
    private final RandomGenerator random;
    private final double unavailableRate;

    FlakyStorage(MemoryStorage delegate, RandomGenerator random, double unavailableRate) {
        super(delegate);
        this.random = random;
        this.unavailableRate = unavailableRate;
    }

    @Override
    public Snapshot snapshot() {
        if (random.nextDouble() < unavailableRate) {
            throw new StorageException.SnapshotTemporarilyUnavailable();
        }
        return super.snapshot();
    }
}
