package io.katd.raft;

import io.katd.proto.raft.Entry;
import io.katd.proto.raft.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The log as the protocol sees it: the durable part behind {@link Storage} followed by
 * the {@link UnstableLog} tail, plus the commit and applied indexes.
 *
 * <p>Invariant: firstIndex - 1 &lt;= applied &lt;= committed &lt;= lastIndex.
 */
final class RaftLog {
    private final Storage storage;
    private final UnstableLog unstable;
    private long committed;
    private long applied;
    private final long maxCommittedBytesPerReady;

    // A planted bug for the harness's own tests; NONE everywhere else (see Canary).
    Canary canary = Canary.NONE;

    RaftLog(Storage storage, long maxCommittedBytesPerReady) {
        this.storage = storage;
        this.maxCommittedBytesPerReady = maxCommittedBytesPerReady;
        long first = storage.firstIndex();
        long last = storage.lastIndex();
        this.unstable = new UnstableLog(last + 1);
        this.committed = first - 1;
        this.applied = first - 1;
    }

    UnstableLog unstable() {
        return unstable;
    }

    long committed() {
        return committed;
    }

    long applied() {
        return applied;
    }

    long firstIndex() {
        long i = unstable.maybeFirstIndex();
        return i != UnstableLog.UNKNOWN ? i : storage.firstIndex();
    }

    long lastIndex() {
        long i = unstable.maybeLastIndex();
        return i != UnstableLog.UNKNOWN ? i : storage.lastIndex();
    }

    long lastTerm() {
        return term(lastIndex());
    }

    /**
     * The term of the entry at {@code index}.
     *
     * @throws StorageException.Compacted below firstIndex - 1
     * @throws StorageException.Unavailable beyond lastIndex
     */
    long term(long index) {
        long t = unstable.maybeTerm(index);
        if (t != UnstableLog.UNKNOWN) {
            return t;
        }
        long dummy = firstIndex() - 1;
        if (index < dummy) {
            throw new StorageException.Compacted(index, dummy + 1);
        }
        if (index > lastIndex()) {
            throw new StorageException.Unavailable(index, lastIndex());
        }
        return storage.term(index);
    }

    /** The term at {@code index}, or 0 when it is out of the log's bounds. */
    long termOrZero(long index) {
        // Checked here rather than by catching: a follower asks about every new entry
        // it receives, and those are beyond the last index by definition.
        if (index < firstIndex() - 1 || index > lastIndex()) {
            return 0;
        }
        try {
            return term(index);
        } catch (StorageException.Compacted | StorageException.Unavailable e) {
            return 0;
        }
    }

    boolean matchTerm(long index, long term) {
        if (index < firstIndex() - 1 || index > lastIndex()) {
            return false;
        }
        try {
            return term(index) == term;
        } catch (StorageException.Compacted | StorageException.Unavailable e) {
            return false;
        }
    }

    /** Whether a log ending at (lastIndex, lastTerm) is at least as up to date (5.4.1). */
    boolean isUpToDate(long lastIndex, long lastTerm) {
        long ourTerm = lastTerm();
        return lastTerm > ourTerm || (lastTerm == ourTerm && lastIndex >= lastIndex());
    }

    /**
     * Appends a leader's entries that follow (index, logTerm), if our log has that entry.
     * Returns the index of the last new entry, or -1 when the logs do not match there.
     */
    long maybeAppend(long index, long logTerm, long leaderCommit, List<Entry> ents) {
        if (!matchTerm(index, logTerm)) {
            return -1;
        }
        long lastNew = index + ents.size();
        long conflict = canary == Canary.TRUNCATE_MATCHING_ENTRIES && !ents.isEmpty()
                ? ents.get(0).getIndex() : findConflict(ents);
        if (conflict != 0) {
            if (conflict <= committed) {
                throw new IllegalStateException("entry " + conflict
                        + " conflicts with committed entry (committed index " + committed + ")");
            }
            append(ents.subList((int) (conflict - (index + 1)), ents.size()));
        }
        commitTo(Math.min(leaderCommit, lastNew));
        return lastNew;
    }

    /** Appends entries at their indexes, truncating any unstable tail they replace. */
    long append(List<Entry> ents) {
        if (ents.isEmpty()) {
            return lastIndex();
        }
        long after = ents.get(0).getIndex() - 1;
        if (after < committed) {
            throw new IllegalStateException(
                    "appending after " + after + " would truncate committed index " + committed);
        }
        unstable.truncateAndAppend(ents);
        return lastIndex();
    }

    /**
     * The index of the first entry that is new or conflicts with ours (same index,
     * different term), or 0 when all entries are already present.
     */
    long findConflict(List<Entry> ents) {
        for (Entry e : ents) {
            if (!matchTerm(e.getIndex(), e.getTerm())) {
                return e.getIndex();
            }
        }
        return 0;
    }

    /** The largest index at or below {@code index} whose term is at most {@code term}. */
    record Conflict(long index, long term) {}

    Conflict findConflictByTerm(long index, long term) {
        for (; index > 0; index--) {
            long ours;
            try {
                ours = term(index);
            } catch (StorageException.Compacted | StorageException.Unavailable e) {
                // Unknown term: it might match, so let the leader try here.
                return new Conflict(index, 0);
            }
            if (ours <= term) {
                return new Conflict(index, ours);
            }
        }
        return new Conflict(0, 0);
    }

    List<Entry> unstableEntries() {
        return List.copyOf(unstable.entries());
    }

    boolean hasNextCommittedEntries() {
        // Nothing may be applied while a snapshot waits to be applied first.
        return unstable.snapshot() == null && committed > applied;
    }

    /** Committed entries not yet applied, bounded by the per-Ready size limit. */
    List<Entry> nextCommittedEntries() {
        if (!hasNextCommittedEntries()) {
            return List.of();
        }
        long lo = Math.max(applied + 1, firstIndex());
        return slice(lo, committed + 1, maxCommittedBytesPerReady);
    }

    Snapshot snapshot() {
        Snapshot s = unstable.snapshot();
        return s != null ? s : storage.snapshot();
    }

    boolean hasPendingSnapshot() {
        return unstable.snapshot() != null;
    }

    void commitTo(long toCommit) {
        if (committed < toCommit) {
            if (lastIndex() < toCommit) {
                throw new IllegalStateException("commit index " + toCommit
                        + " is beyond the last index " + lastIndex()
                        + "; the raft log was corrupted, truncated or lost");
            }
            committed = toCommit;
        }
    }

    void appliedTo(long index) {
        if (index == 0) {
            return;
        }
        if (committed < index || index < applied) {
            throw new IllegalStateException("applied index " + index
                    + " out of range [" + applied + ", " + committed + "]");
        }
        applied = index;
    }

    void stableTo(long index, long term) {
        unstable.stableTo(index, term);
    }

    void stableSnapTo(long index) {
        unstable.stableSnapTo(index);
    }

    boolean maybeCommit(long maxIndex, long term) {
        // Only entries of the leader's own term are committed by counting (5.4.2).
        if (maxIndex > committed && (termOrZero(maxIndex) == term
                || canary == Canary.COMMIT_PREVIOUS_TERM_BY_COUNTING)) {
            commitTo(maxIndex);
            return true;
        }
        return false;
    }

    void restore(Snapshot snap) {
        committed = snap.getMetadata().getIndex();
        unstable.restore(snap);
    }

    /** Entries from {@code lo} to the end, bounded by {@code maxBytes}. */
    List<Entry> entries(long lo, long maxBytes) {
        if (lo > lastIndex()) {
            return List.of();
        }
        return slice(lo, lastIndex() + 1, maxBytes);
    }

    List<Entry> allEntries() {
        return entries(firstIndex(), Long.MAX_VALUE);
    }

    /**
     * Entries {@code [lo, hi)} from storage and then the unstable tail, bounded by
     * {@code maxBytes} but at least one entry.
     *
     * @throws StorageException.Compacted when lo is below the first index
     */
    List<Entry> slice(long lo, long hi, long maxBytes) {
        checkOutOfBounds(lo, hi);
        if (lo == hi) {
            return List.of();
        }
        List<Entry> result = new ArrayList<>();
        long offset = unstable.offset();
        if (lo < offset) {
            List<Entry> stored = storage.entries(lo, Math.min(hi, offset), maxBytes);
            // Storage stopped short because of the size limit: that is all we return.
            if (stored.size() < Math.min(hi, offset) - lo) {
                return stored;
            }
            result.addAll(stored);
        }
        if (hi > offset) {
            result.addAll(unstable.slice(Math.max(lo, offset), hi));
        }
        return Entries.limitSize(result, maxBytes);
    }

    private void checkOutOfBounds(long lo, long hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("invalid slice " + lo + " > " + hi);
        }
        long first = firstIndex();
        if (lo < first) {
            throw new StorageException.Compacted(lo, first);
        }
        long upper = lastIndex() + 1;
        if (hi > upper) {
            throw new IllegalStateException(
                    "slice [" + lo + "," + hi + ") out of bound [" + first + "," + upper + ")");
        }
    }

    @Override
    public String toString() {
        return "committed=" + committed + " applied=" + applied + " unstable.offset="
                + unstable.offset() + " unstable.entries=" + unstable.entries().size();
    }
}
