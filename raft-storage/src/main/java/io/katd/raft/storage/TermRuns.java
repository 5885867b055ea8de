package io.katd.raft.storage;

import java.util.Map;
import java.util.TreeMap;

/**
 * The term of every index of the log, from its offset (the index before the first entry)
 * to its last index, kept in memory as runs of equal terms. Terms never decrease along a
 * Raft log and change only when a new leader appends, so a handful of runs cover the
 * whole log, and every term lookup the protocol makes is answered without touching disk.
 *
 * <p>Invariants: the first run starts at the offset; runs are sorted by first index and
 * their terms strictly increase; the last run ends at {@link #lastIndex()}.
 */
final class TermRuns {
    // First index of a run -> the term of every index from there to the next run.
    private final TreeMap<Long, Long> runs = new TreeMap<>();
    private long lastIndex;

    TermRuns(long offset, long offsetTerm) {
        reset(offset, offsetTerm);
    }

    /** Forgets everything: the log is now empty after {@code offset}. */
    void reset(long offset, long offsetTerm) {
        runs.clear();
        runs.put(offset, offsetTerm);
        lastIndex = offset;
    }

    long lastIndex() {
        return lastIndex;
    }

    long lastTerm() {
        return runs.lastEntry().getValue();
    }

    /** The term at {@code index}; the caller checks that it lies in the log. */
    long term(long index) {
        if (index < runs.firstKey() || index > lastIndex) {
            throw new IllegalArgumentException("index " + index + " outside the log's terms "
                    + runs.firstKey() + ".." + lastIndex);
        }
        return runs.floorEntry(index).getValue();
    }

    /** Adds the entry after the last one; its term is at least the last term. */
    void append(long index, long term) {
        if (index != lastIndex + 1) {
            throw new IllegalArgumentException("term of index " + index
                    + " appended after last index " + lastIndex);
        }
        long lastTerm = lastTerm();
        if (term < lastTerm) {
            throw new IllegalArgumentException("term " + term + " at index " + index
                    + " is below the previous term " + lastTerm);
        }
        if (term > lastTerm) {
            runs.put(index, term);
        }
        lastIndex = index;
    }

    /** Drops every index after {@code index}, which must not be below the offset. */
    void truncateAfter(long index) {
        if (index < runs.firstKey() || index > lastIndex) {
            throw new IllegalArgumentException("cannot truncate after " + index + " in "
                    + runs.firstKey() + ".." + lastIndex);
        }
        runs.tailMap(index, false).clear();
        lastIndex = index;
    }

    /** Makes {@code offset} the new offset, dropping the runs wholly below it. */
    void compactTo(long offset) {
        long term = term(offset);
        Map<Long, Long> below = runs.headMap(offset, true);
        below.clear();
        runs.put(offset, term);
    }

    /** The number of runs, for tests. */
    int size() {
        return runs.size();
    }
}
