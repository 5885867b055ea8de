package io.katd.raft.sim;

import java.util.Arrays;

/**
 * The (term, chained hash) of every entry of one node's durable log, above a base that
 * stands for the snapshot or compaction point. Used both by the simulator, which computes
 * the hashes of what a node persists, and by checkers, which rebuild each node's log from
 * events.
 */
final class LogMirror {
    static final long ABSENT = Long.MIN_VALUE;

    private long base;
    private long baseTerm;
    private long baseHash;
    private long[] terms = new long[64];
    private long[] hashes = new long[64];
    private int size;

    LogMirror(long base, long baseTerm, long baseHash) {
        resetTo(base, baseTerm, baseHash);
    }

    long base() {
        return base;
    }

    long lastIndex() {
        return base + size;
    }

    /** The hash at {@code index}, or {@link #ABSENT} outside [base, lastIndex]. */
    long hashAt(long index) {
        if (index == base) {
            return baseHash;
        }
        if (index < base || index > lastIndex()) {
            return ABSENT;
        }
        return hashes[(int) (index - base - 1)];
    }

    /** The term at {@code index}, or {@link #ABSENT} outside [base, lastIndex]. */
    long termAt(long index) {
        if (index == base) {
            return baseTerm;
        }
        if (index < base || index > lastIndex()) {
            return ABSENT;
        }
        return terms[(int) (index - base - 1)];
    }

    /** Writes the entry at {@code index}, dropping everything after it. */
    void put(long index, long term, long hash) {
        if (index <= base || index > lastIndex() + 1) {
            throw new IllegalStateException("entry " + index + " does not extend the log ("
                    + base + ", " + lastIndex() + "]");
        }
        size = (int) (index - base - 1);
        if (size == terms.length) {
            terms = Arrays.copyOf(terms, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        terms[size] = term;
        hashes[size] = hash;
        size++;
    }

    /** Replaces the whole log with a snapshot at {@code index}. */
    void resetTo(long index, long term, long hash) {
        base = index;
        baseTerm = term;
        baseHash = hash;
        size = 0;
    }

    /** Discards the entries up to {@code index}, which becomes the new base. */
    void compact(long index) {
        if (index <= base) {
            return;
        }
        if (index > lastIndex()) {
            throw new IllegalStateException("compaction at " + index + " beyond " + lastIndex());
        }
        int drop = (int) (index - base);
        baseTerm = terms[drop - 1];
        baseHash = hashes[drop - 1];
        System.arraycopy(terms, drop, terms, 0, size - drop);
        System.arraycopy(hashes, drop, hashes, 0, size - drop);
        size -= drop;
        base = index;
    }
}
