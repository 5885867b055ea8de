package io.katd.raft.tracker;

/**
 * The window of MsgApps sent to one follower and not yet acknowledged, bounded by count
 * and by payload bytes. A ring buffer of (last index, bytes) per message, in the order
 * sent, so indexes are increasing from the oldest slot to the newest.
 */
public final class Inflights {
    private final int countMax;
    private final long bytesMax;
    private final long[] indexes;
    private final long[] sizes;
    private int start;
    // Invariant: 0 <= count <= countMax.
    private int count;
    // Invariant: bytes is the sum of sizes over the occupied slots.
    private long bytes;

    /**
     * @param countMax most messages in flight, at least 1
     * @param bytesMax most payload bytes in flight, 0 for no byte limit
     */
    public Inflights(int countMax, long bytesMax) {
        if (countMax <= 0) {
            throw new IllegalArgumentException("countMax must be > 0, was " + countMax);
        }
        if (bytesMax < 0) {
            throw new IllegalArgumentException("bytesMax must be >= 0, was " + bytesMax);
        }
        this.countMax = countMax;
        this.bytesMax = bytesMax;
        this.indexes = new long[countMax];
        this.sizes = new long[countMax];
    }

    public Inflights copy() {
        Inflights c = new Inflights(countMax, bytesMax);
        System.arraycopy(indexes, 0, c.indexes, 0, countMax);
        System.arraycopy(sizes, 0, c.sizes, 0, countMax);
        c.start = start;
        c.count = count;
        c.bytes = bytes;
        return c;
    }

    /** Records a message whose last entry has {@code index}. Our bug if called when full. */
    public void add(long index, long sizeBytes) {
        if (full()) {
            throw new IllegalStateException("cannot add into a full inflights window");
        }
        if (count > 0 && index <= indexes[(start + count - 1) % countMax]) {
            throw new IllegalStateException("inflight index " + index + " not above newest "
                    + indexes[(start + count - 1) % countMax]);
        }
        int slot = (start + count) % countMax;
        indexes[slot] = index;
        sizes[slot] = sizeBytes;
        count++;
        bytes += sizeBytes;
    }

    /** Frees every message whose last index is at most {@code index}. */
    public void freeLE(long index) {
        while (count > 0 && indexes[start] <= index) {
            bytes -= sizes[start];
            start = (start + 1) % countMax;
            count--;
        }
        if (count == 0) {
            start = 0;
        }
    }

    /** Frees the oldest message, to let a stalled window make progress after a heartbeat. */
    public void freeFirstOne() {
        if (count > 0) {
            freeLE(indexes[start]);
        }
    }

    public boolean full() {
        return count == countMax || (bytesMax > 0 && bytes >= bytesMax);
    }

    public int count() {
        return count;
    }

    public long bytes() {
        return bytes;
    }

    public void reset() {
        start = 0;
        count = 0;
        bytes = 0;
    }
}
