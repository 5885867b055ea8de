package io.katd.raft;

import io.katd.proto.raft.Entry;
import io.katd.proto.raft.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The tail of the log that is not yet durable: entries (and possibly an incoming
 * snapshot) that the next Ready hands to the caller to persist.
 *
 * <p>Invariant: if entries is non-empty, entries.get(0).index == offset, and indexes are
 * consecutive. If a snapshot is present, offset == snapshot index + 1.
 */
final class UnstableLog {
    static final long UNKNOWN = -1;

    private Snapshot snapshot;
    private ArrayList<Entry> entries = new ArrayList<>();
    private long offset;

    UnstableLog(long offset) {
        this.offset = offset;
    }

    long offset() {
        return offset;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    List<Entry> entries() {
        return entries;
    }

    /** The first index, if the unstable part holds a snapshot; otherwise UNKNOWN. */
    long maybeFirstIndex() {
        return snapshot == null ? UNKNOWN : snapshot.getMetadata().getIndex() + 1;
    }

    /** The last index, if the unstable part holds entries or a snapshot; else UNKNOWN. */
    long maybeLastIndex() {
        if (!entries.isEmpty()) {
            return offset + entries.size() - 1;
        }
        return snapshot == null ? UNKNOWN : snapshot.getMetadata().getIndex();
    }

    /** The term of the entry at {@code index} if known here; otherwise UNKNOWN. */
    long maybeTerm(long index) {
        if (index < offset) {
            if (snapshot != null && snapshot.getMetadata().getIndex() == index) {
                return snapshot.getMetadata().getTerm();
            }
            return UNKNOWN;
        }
        long last = maybeLastIndex();
        if (last == UNKNOWN || index > last) {
            return UNKNOWN;
        }
        return entries.get((int) (index - offset)).getTerm();
    }

    /**
     * Entries up to {@code (index, term)} are durable. Ignored if the entry there was
     * replaced since the Ready that carried it (its term no longer matches).
     */
    void stableTo(long index, long term) {
        long t = maybeTerm(index);
        if (t == UNKNOWN || t != term || index < offset) {
            return;
        }
        int n = (int) (index + 1 - offset);
        entries = new ArrayList<>(entries.subList(n, entries.size()));
        offset = index + 1;
    }

    void stableSnapTo(long index) {
        if (snapshot != null && snapshot.getMetadata().getIndex() == index) {
            snapshot = null;
        }
    }

    void restore(Snapshot snap) {
        offset = snap.getMetadata().getIndex() + 1;
        entries = new ArrayList<>();
        snapshot = snap;
    }

    void truncateAndAppend(List<Entry> ents) {
        long from = ents.get(0).getIndex();
        if (from == offset + entries.size()) {
            entries.addAll(ents);
        } else if (from <= offset) {
            // Replaces everything unstable; the durable part is overwritten on persist.
            offset = from;
            entries = new ArrayList<>(ents);
        } else {
            ArrayList<Entry> kept = new ArrayList<>(entries.subList(0, (int) (from - offset)));
            kept.addAll(ents);
            entries = kept;
        }
    }

    /** Entries {@code [lo, hi)}, which must lie within the unstable entries. */
    List<Entry> slice(long lo, long hi) {
        long upper = offset + entries.size();
        if (lo > hi || lo < offset || hi > upper) {
            throw new IllegalStateException("unstable slice [" + lo + "," + hi
                    + ") out of bounds [" + offset + "," + upper + ")");
        }
        return entries.subList((int) (lo - offset), (int) (hi - offset));
    }
}
