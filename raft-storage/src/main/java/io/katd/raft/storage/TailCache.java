package io.katd.raft.storage;

import io.katd.proto.raft.Entry;
import java.util.Arrays;
import java.util.List;

/**
 * The most recent entries of the log, in memory, bounded by their serialized size: the
 * entries the protocol reads on its hot path (replicating to followers, applying what
 * was just committed) are the ones it just appended.
 *
 * <p>Invariant, kept by the log: the cache is empty or holds a consecutive run of entries
 * that ends at the log's last index. Eviction takes the oldest entries first.
 */
final class TailCache {
    private static final int INITIAL_CAPACITY = 64;

    private final long bytesMax;
    // A ring buffer: the entry at position i (0 = oldest) is ring[(head + i) % ring.length].
    private Entry[] ring = new Entry[INITIAL_CAPACITY];
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
        return ring[(int) ((head + index - firstIndex) % ring.length)];
    }

    /**
     * Adds consecutive entries that follow the cached ones (or start a new run when the
     * cache is empty), then evicts the oldest entries beyond the size bound.
     */
    void append(List<Entry> entries) {
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
        head = 0;
        size = 0;
        sizeBytes = 0;
    }

    private void removeOldest() {
        sizeBytes -= ring[head].getSerializedSize();
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        firstIndex++;
    }

    private void grow() {
        Entry[] bigger = new Entry[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(head + i) % ring.length];
        }
        ring = bigger;
        head = 0;
    }
}
