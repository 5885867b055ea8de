package io.katd.raft;

import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Snapshot;
import java.util.List;

/**
 * The protocol's read-only view of the durable log. The caller of {@link RawNode} writes
 * to its storage as each Ready instructs; the protocol reads through this interface,
 * synchronously, so implementations should serve recent entries from memory.
 *
 * <p>Indexes: the log holds entries {@code firstIndex() .. lastIndex()}; the entry just
 * before {@code firstIndex()} is represented by the snapshot, whose term is still
 * available through {@link #term}. An empty log has lastIndex = firstIndex - 1.
 */
public interface Storage {

    /** The durable hard state and configuration, read once when a node starts. */
    record InitialState(HardState hardState, ConfState confState) {}

    InitialState initialState();

    /**
     * Entries in {@code [lo, hi)}, limited to {@code maxSizeBytes} in total serialized
     * size but always at least one entry when the range is non-empty.
     *
     * @throws StorageException.Compacted when lo is below the first index
     * @throws StorageException.Unavailable when hi - 1 is beyond the last index
     */
    List<Entry> entries(long lo, long hi, long maxSizeBytes);

    /**
     * The term of the entry at {@code index}, for firstIndex - 1 &lt;= index &lt;= lastIndex.
     *
     * @throws StorageException.Compacted below that range
     * @throws StorageException.Unavailable above it
     */
    long term(long index);

    long lastIndex();

    long firstIndex();

    /**
     * The most recent snapshot.
     *
     * @throws StorageException.SnapshotTemporarilyUnavailable while one is being made
     */
    Snapshot snapshot();
}
