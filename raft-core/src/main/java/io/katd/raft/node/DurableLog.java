package io.katd.raft.node;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Snapshot;
import io.katd.raft.Ready;
import io.katd.raft.Storage;
import java.io.Closeable;
import java.io.IOException;

/**
 * The durable Raft log of one node: the read-only {@link Storage} the protocol reads,
 * plus the writes the node's Ready loop makes.
 *
 * <p>Threading: while the node runs, every method (reads and writes) is called by the
 * node's raft thread only, never concurrently, so an implementation needs no locking.
 * {@link #bootstrap} is called by the embedder before the node starts and {@link #close}
 * after its raft thread has stopped. Reads are on the hot path of the protocol: serve
 * recent entries from memory.
 *
 * <p>Failure: a write that throws {@link IOException} stops the node for good. The node
 * never retries and never continues after a failed write (its durable state is then
 * unknown), and every pending request fails with {@link NodeClosedException}.
 */
public interface DurableLog extends Storage, Closeable {

    /**
     * Persists one Ready in a single atomic write (one batch, group commit): first its
     * snapshot, if present, which replaces the log up to the snapshot's index; then its
     * entries, replacing any stored entries from the first new index on; then its hard
     * state, if present. Synced to stable storage before returning iff
     * {@code ready.mustSync()}. Called once per Ready that has anything to persist, before
     * any of the Ready's messages is sent.
     */
    void persist(Ready ready) throws IOException;

    /**
     * Records a snapshot of the state machine taken locally at {@code index} (at most the
     * applied index) with the configuration in force at that index, and returns it as the
     * protocol will send it to followers that lag behind the log. Durable on return.
     * Entries are kept: see {@link #compact}.
     */
    Snapshot createSnapshot(long index, ConfState confState, ByteString data)
            throws IOException;

    /**
     * Discards the entries up to and including {@code index}, which is never beyond the
     * index of the latest snapshot (and so never beyond the applied index): a restart
     * replays the entries after the snapshot. Durable on return.
     */
    void compact(long index) throws IOException;

    /**
     * Makes an empty log the log of a founding member of a new cluster whose initial
     * configuration is {@code confState}: it stores a snapshot at index 1, term 1 with
     * that configuration and empty data (the state machine's initial state), and the hard
     * state {term 1, vote 0, commit 1}; synced. Every founding member bootstraps with the
     * same configuration; a member added later starts from an empty log and receives a
     * snapshot from the leader. Because the log starts after index 1, the leader always
     * catches an empty member up with a snapshot that lists it.
     *
     * @throws IllegalStateException when the log is not empty
     */
    void bootstrap(ConfState confState) throws IOException;

    /** Whether nothing was ever written: no entries, no snapshot and no hard state. */
    boolean isEmpty();

    /** Releases the log's resources. Called once, after the node stopped using it. */
    @Override
    void close() throws IOException;
}
