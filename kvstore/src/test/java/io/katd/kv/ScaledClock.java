package io.katd.kv;

import io.katd.raft.node.MonotonicClock;

/**
 * A monotonic clock whose speed a test sets: slow election timeouts keep roles stable on a
 * loaded machine, and a burst of speed on chosen nodes makes them time out on purpose.
 */
public final class ScaledClock implements MonotonicClock {
    // Guarded by this: anchor and speed change together and must be read as a pair.
    private long anchorRealNanos = System.nanoTime();
    private long anchorNanos;
    private double speed = 1.0;

    @Override
    public synchronized long nanoTime() {
        return anchorNanos + (long) ((System.nanoTime() - anchorRealNanos) * speed);
    }

    public synchronized void setSpeed(double factor) {
        long now = System.nanoTime();
        anchorNanos += (long) ((now - anchorRealNanos) * speed);
        anchorRealNanos = now;
        speed = factor;
    }
}
