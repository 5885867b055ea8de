package io.katd.raft;

import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Storage} held in memory, for tests, simulation and embedders that keep their
 * own durability elsewhere. Not thread-safe: it belongs to the thread that owns the node.
 */
public final class MemoryStorage implements Storage {
    private HardState hardState = HardState.getDefaultInstance();
    private Snapshot snapshot = Snapshot.newBuilder()
            .setMetadata(SnapshotMetadata.getDefaultInstance()).build();
    // entries.get(0) is a dummy standing for the snapshot's (index, term), so that
    // term(firstIndex - 1) is always answerable. Invariant: indexes are consecutive.
    private final ArrayList<Entry> entries = new ArrayList<>();

    public MemoryStorage() {
        entries.add(Entry.getDefaultInstance());
    }

    /** A storage whose initial configuration has the given voters, for bootstrapping. */
    public static MemoryStorage withVoters(long... voters) {
        MemoryStorage s = new MemoryStorage();
        ConfState.Builder cs = ConfState.newBuilder();
        for (long v : voters) {
            cs.addVoters(v);
        }
        s.snapshot = Snapshot.newBuilder()
                .setMetadata(SnapshotMetadata.newBuilder().setConfState(cs)).build();
        return s;
    }

    @Override
    public InitialState initialState() {
        return new InitialState(hardState, snapshot.getMetadata().getConfState());
    }

    public void setHardState(HardState hs) {
        this.hardState = hs;
    }

    public HardState hardState() {
        return hardState;
    }

    private long offset() {
        return entries.get(0).getIndex();
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxSizeBytes) {
        long offset = offset();
        if (lo <= offset) {
            throw new StorageException.Compacted(lo, offset + 1);
        }
        if (hi > lastIndex() + 1) {
            throw new StorageException.Unavailable(hi - 1, lastIndex());
        }
        if (entries.size() == 1) {
            // Only the dummy entry.
            throw new StorageException.Unavailable(lo, lastIndex());
        }
        return Entries.limitSize(entries.subList((int) (lo - offset), (int) (hi - offset)),
                maxSizeBytes);
    }

    @Override
    public long term(long index) {
        long offset = offset();
        if (index < offset) {
            throw new StorageException.Compacted(index, offset + 1);
        }
        if (index - offset >= entries.size()) {
            throw new StorageException.Unavailable(index, lastIndex());
        }
        return entries.get((int) (index - offset)).getTerm();
    }

    @Override
    public long lastIndex() {
        return offset() + entries.size() - 1;
    }

    @Override
    public long firstIndex() {
        return offset() + 1;
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Replaces the whole contents with a snapshot, unless it is older than the current. */
    public void applySnapshot(Snapshot snap) {
        long index = snap.getMetadata().getIndex();
        if (index < snapshot.getMetadata().getIndex()) {
            throw new IllegalArgumentException("snapshot at " + index
                    + " is older than the current one at " + snapshot.getMetadata().getIndex());
        }
        snapshot = snap;
        entries.clear();
        entries.add(Entry.newBuilder().setIndex(index).setTerm(snap.getMetadata().getTerm())
                .build());
    }

    /**
     * Makes a snapshot at {@code index} (at most the applied index, which the caller
     * knows) with the given state-machine data and configuration.
     */
    public Snapshot createSnapshot(long index, ConfState cs, ByteString data) {
        if (index <= snapshot.getMetadata().getIndex()) {
            throw new IllegalArgumentException("snapshot index " + index
                    + " is not above the current snapshot " + snapshot.getMetadata().getIndex());
        }
        if (index > lastIndex()) {
            throw new IllegalArgumentException(
                    "snapshot index " + index + " is beyond the last index " + lastIndex());
        }
        SnapshotMetadata.Builder md = SnapshotMetadata.newBuilder()
                .setIndex(index).setTerm(term(index));
        if (cs != null) {
            md.setConfState(cs);
        }
        snapshot = Snapshot.newBuilder().setMetadata(md).setData(data).build();
        return snapshot;
    }

    /** Discards entries up to and including {@code compactIndex}. */
    public void compact(long compactIndex) {
        long offset = offset();
        if (compactIndex <= offset) {
            throw new StorageException.Compacted(compactIndex, offset + 1);
        }
        if (compactIndex > lastIndex()) {
            throw new IllegalArgumentException(
                    "compact index " + compactIndex + " is beyond the last index " + lastIndex());
        }
        int i = (int) (compactIndex - offset);
        Entry dummy = Entry.newBuilder().setIndex(compactIndex)
                .setTerm(entries.get(i).getTerm()).build();
        List<Entry> rest = new ArrayList<>(entries.subList(i + 1, entries.size()));
        entries.clear();
        entries.add(dummy);
        entries.addAll(rest);
    }

    /**
     * Appends entries, replacing any existing entries from the first new index on (the
     * log of a follower that learns of a conflicting tail).
     */
    public void append(List<Entry> newEntries) {
        if (newEntries.isEmpty()) {
            return;
        }
        long first = firstIndex();
        long last = newEntries.get(newEntries.size() - 1).getIndex();
        if (last < first) {
            return; // Everything new is already compacted.
        }
        List<Entry> ents = newEntries;
        if (first > ents.get(0).getIndex()) {
            ents = ents.subList((int) (first - ents.get(0).getIndex()), ents.size());
        }
        long at = ents.get(0).getIndex() - offset();
        if (at > entries.size()) {
            throw new IllegalArgumentException("missing log entries: last index " + lastIndex()
                    + ", appended entries start at " + ents.get(0).getIndex());
        }
        while (entries.size() > at) {
            entries.remove(entries.size() - 1);
        }
        entries.addAll(ents);
    }
}
