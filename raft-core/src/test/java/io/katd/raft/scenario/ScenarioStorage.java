package io.katd.raft.scenario;

import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Snapshot;
import io.katd.raft.ForwardingStorage;
import io.katd.raft.MemoryStorage;
import io.katd.raft.StorageException;

/**
 * A MemoryStorage with two knobs a scenario needs: the snapshot can be made temporarily
 * unavailable, and the configuration reported at start can be the one the application
 * recorded when it last applied (a restart with {@code applied=} skips the conf-change
 * entries it already applied, so the snapshot's configuration would be stale).
 */
final class ScenarioStorage extends ForwardingStorage {
    final MemoryStorage mem;
    boolean snapshotUnavailable;
    ConfState startConfState;

    ScenarioStorage(MemoryStorage mem) {
        super(mem);
        this.mem = mem;
    }

    @Override
    public InitialState initialState() {
        InitialState s = mem.initialState();
        return startConfState == null ? s : new InitialState(s.hardState(), startConfState);
    }

    @Override
    public Snapshot snapshot() {
        if (snapshotUnavailable) {
            throw new StorageException.SnapshotTemporarilyUnavailable();
        }
        return mem.snapshot();
    }
}
