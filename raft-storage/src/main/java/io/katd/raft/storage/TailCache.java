package io.katd.raft.storage;

import io.katd.proto.raft.Entry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The most recent entries of the log, in memory, bounded by their serialized size: the
 * entries the protocol reads on its hot path (replicating to followers, applying what
 * was just committed) are the ones it just appended.
 *
 * <p>Invariant, kept by the log: the cache is empty or holds consecutive entries that end
 * at the log's last index. Eviction takes the oldest entries first.
 *
 * <p>The cache also knows which of its entries start a run on disk (see {@link Codec}), so
 * that a truncation inside a run, which rewrites the run's head under a key of its own,
 * can take that head from memory without reading the run back ({@link #runStart}).
 * Invariant, kept by the log: an entry is marked iff a stored run starts at it.
 */
final class TailCache {
    /** The index {@link #runStart} answers when the run does not start in the cache. */
    static final long NOT_CACHED = -1;

    private static final int INITIAL_CAPACITY = 64;

    private final long bytesMax;
    // A ring buffer: the entry at position i (0 = oldest) is ring[(head + i) % ring.length].
    private Entry[] ring = new Entry[INITIAL_CAPACITY];
    // Whether the entry at the same position of ring starts a stored run.
    private boolean[] runStarts = new boolean[INITIAL_CAPACITY];
    private int head;
    private int size;
    private long firstIndex;
    private long sizeBytes;

    TailCache(long bytesMax) {
        if (bytesMax < 0) {
            throw new IllegalArgumentException("cache size must be >= 0, was " + bytesMax);
        }
        this.bytesMax = bytesMax;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The first cached index; meaningful only when not empty. */
    long firstIndex() {
        return firstIndex;
    }

    long lastIndex() {
        return firstIndex + size - 1;
    }

    long sizeBytes() {
        return sizeBytes;
    }

    boolean contains(long index) {
        return size > 0 && index >= firstIndex && index <= lastIndex();
    }

    Entry get(long index) {
        if (!contains(index)) {
            throw new IllegalArgumentException("index " + index + " is not cached");
        }
        return ring[position(index)];
    }

    private int position(long index) {
        return (int) ((head + index - firstIndex) % ring.length);
    }

    /**
     * The first index of the stored run holding {@code index}, a cached index, if that
     * run starts in the cache; otherwise {@link #NOT_CACHED}. Walks back over the run's
     * cached entries: a truncation inside a run is rare, and a run is bounded in size.
     */
    long runStart(long index) {
        if (!contains(index)) {
            throw new IllegalArgumentException("index " + index + " is not cached");
        }
        for (long i = index; i >= firstIndex; i--) {
            if (runStarts[position(i)]) {
                return i;
            }
        }
        return NOT_CACHED;
    }

    /** Marks the cached entry at {@code index}, if any, as the start of a stored run. */
    void markRunStart(long index) {
        if (contains(index)) {
            runStarts[position(index)] = true;
        }
    }

    /** The cached entries {@code [from, to)}, all of which must be cached. */
    List<Entry> range(long from, long to) {
        List<Entry> out = new ArrayList<>((int) Math.max(0, to - from));
        for (long i = from; i < to; i++) {
            out.add(get(i));
        }
        return out;
    }

    /**
     * Adds consecutive entries that follow the cached ones (or start anew when the cache is
     * empty), the first of which starts a stored run iff {@code startsRun} and the others
     * not, then evicts the oldest entries beyond the size bound.
     */
    void append(List<Entry> entries, boolean startsRun) {
        boolean start = startsRun;
        for (Entry e : entries) {
            if (size == 0) {
                firstIndex = e.getIndex();
            } else if (e.getIndex() != lastIndex() + 1) {
                throw new IllegalArgumentException("cached entries end at " + lastIndex()
                        + ", appended entry has index " + e.getIndex());
            }
            if (size == ring.length) {
                grow();
            }
            ring[(head + size) % ring.length] = e;
            runStarts[(head + size) % ring.length] = start;
            start = false;
            size++;
            sizeBytes += e.getSerializedSize();
        }
        while (size > 0 && sizeBytes > bytesMax) {
            removeOldest();
        }
    }

    /** Drops the cached entries at {@code index} and after. */
    void truncateFrom(long index) {
        while (size > 0 && lastIndex() >= index) {
            int at = (head + size - 1) % ring.length;
            sizeBytes -= ring[at].getSerializedSize();
            ring[at] = null;
            runStarts[at] = false;
            size--;
        }
    }

    /** Drops the cached entries up to and including {@code index}. */
    void dropThrough(long index) {
        while (size > 0 && firstIndex <= index) {
            removeOldest();
        }
    }

    void clear() {
        Arrays.fill(ring, null);
        Arrays.fill(runStarts, false);
        head = 0;
        size = 0;
        sizeBytes = 0;
    }

    private void removeOldest() {
        sizeBytes -= ring[head].getSerializedSize();
        ring[head] = null;
        runStarts[head] = false;
        head = (head + 1) % ring.length;
        size--;
        firstIndex++;
    }

    private void grow() {
        Entry[] bigger = new Entry[ring.length * 2];
        boolean[] biggerStarts = new boolean[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(head + i) % ring.length];
            biggerStarts[i] = runStarts[(head + i) % ring.length];
        }
        ring = bigger;
        runStarts = biggerStarts;
        head = 0;
    }
}
