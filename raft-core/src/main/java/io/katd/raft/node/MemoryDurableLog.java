package io.katd.raft.node;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.MemoryStorage;
import io.katd.raft.Ready;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link DurableLog} in memory, for tests and simulation. It keeps two images: what
 * was written, which the node reads, and what was synced, which survives a simulated
 * crash: {@link #reopen} returns a log holding only the synced image, as a process
 * restarted after kill -9 would find it. {@link #failWrites} makes writes fail like a
 * broken disk.
 *
 * <p>Not thread-safe, like the interface requires: only the node's raft thread uses it
 * while the node runs; {@link #reopen} and {@link #close} come after the node stopped
 * (its raft thread's end orders those calls after its writes).
 */
public final class MemoryDurableLog implements DurableLog {
    private final MemoryStorage written;
    private final MemoryStorage synced;
    // Writes that reached `written` but not `synced` yet, oldest first; a crash loses them.
    private final List<Write> unsynced = new ArrayList<>();
    // Set by a test thread to inject a disk failure into the raft thread's next writes.
    private volatile IOException failure;
    private boolean closed;

    /** One Ready's worth of writes. */
    private record Write(Optional<HardState> hardState, List<Entry> entries,
            Optional<Snapshot> snapshot) {
        void applyTo(MemoryStorage s) {
            snapshot.ifPresent(s::applySnapshot);
            s.append(entries);
            hardState.ifPresent(s::setHardState);
        }
    }

    /** An empty log: bootstrap it for a founding member, or leave it empty to join. */
    public MemoryDurableLog() {
        this(new MemoryStorage(), new MemoryStorage());
    }

    private MemoryDurableLog(MemoryStorage written, MemoryStorage synced) {
        this.written = written;
        this.synced = synced;
    }

    /**
     * A new log holding what this one had synced: the state a node finds after a crash.
     * Call it once the node using this log has stopped.
     */
    public MemoryDurableLog reopen() {
        return new MemoryDurableLog(copyOf(synced), copyOf(synced));
    }

    /** From now on every write fails with {@code e}, or succeeds again when null. */
    public void failWrites(IOException e) {
        failure = e;
    }

    /** Writes not synced yet: a crash now would lose them. */
    public int unsyncedWrites() {
        return unsynced.size();
    }

    @Override
    public void persist(Ready ready) throws IOException {
        checkWritable();
        Write w = new Write(ready.hardState(), ready.entries(), ready.snapshot());
        w.applyTo(written);
        unsynced.add(w);
        if (ready.mustSync()) {
            sync();
        }
    }

    private void sync() {
        for (Write w : unsynced) {
            w.applyTo(synced);
        }
        unsynced.clear();
    }

    @Override
    public Snapshot createSnapshot(long index, ConfState confState, ByteString data)
            throws IOException {
        checkWritable();
        sync();
        synced.createSnapshot(index, confState, data);
        return written.createSnapshot(index, confState, data);
    }

    @Override
    public void compact(long index) throws IOException {
        checkWritable();
        long snapshotIndex = written.snapshot().getMetadata().getIndex();
        if (index > snapshotIndex) {
            throw new IllegalArgumentException("compact index " + index
                    + " is beyond the latest snapshot's index " + snapshotIndex);
        }
        sync();
        synced.compact(index);
        written.compact(index);
    }

    @Override
    public void bootstrap(ConfState confState) throws IOException {
        checkWritable();
        if (!isEmpty()) {
            throw new IllegalStateException("cannot bootstrap a log that is not empty: last index "
                    + lastIndex() + ", hard state " + hardState());
        }
        Snapshot snapshot = Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder()
                .setIndex(1).setTerm(1).setConfState(confState)).build();
        HardState hs = HardState.newBuilder().setTerm(1).setCommit(1).build();
        for (MemoryStorage s : List.of(written, synced)) {
            s.applySnapshot(snapshot);
            s.setHardState(hs);
        }
    }

    @Override
    public boolean isEmpty() {
        return written.lastIndex() == 0 && written.snapshot().getMetadata().getIndex() == 0
                && written.hardState().equals(HardState.getDefaultInstance());
    }

    /** The hard state as written (not necessarily synced). */
    public HardState hardState() {
        return written.hardState();
    }

    private void checkWritable() throws IOException {
        if (closed) {
            throw new IOException("the log is closed");
        }
        IOException e = failure;
        if (e != null) {
            throw e;
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public InitialState initialState() {
        return written.initialState();
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxSizeBytes) {
        return written.entries(lo, hi, maxSizeBytes);
    }

    @Override
    public long term(long index) {
        return written.term(index);
    }

    @Override
    public long lastIndex() {
        return written.lastIndex();
    }

    @Override
    public long firstIndex() {
        return written.firstIndex();
    }

    @Override
    public Snapshot snapshot() {
        return written.snapshot();
    }

    /**
     * An exact copy: same snapshot, same first index (compaction may keep entries below
     * the snapshot's index), same entries and hard state.
     */
    private static MemoryStorage copyOf(MemoryStorage src) {
        MemoryStorage c = new MemoryStorage();
        Snapshot snapshot = src.snapshot();
        long offset = src.firstIndex() - 1;
        long snapshotIndex = snapshot.getMetadata().getIndex();
        if (offset == snapshotIndex) {
            c.applySnapshot(snapshot);
        } else {
            c.applySnapshot(Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder()
                    .setIndex(offset).setTerm(src.term(offset))
                    .setConfState(snapshot.getMetadata().getConfState())).build());
        }
        if (src.lastIndex() >= src.firstIndex()) {
            c.append(src.entries(src.firstIndex(), src.lastIndex() + 1, Long.MAX_VALUE));
        }
        if (offset != snapshotIndex) {
            c.createSnapshot(snapshotIndex, snapshot.getMetadata().getConfState(),
                    snapshot.getData());
        }
        c.setHardState(src.hardState());
        return c;
    }
}
