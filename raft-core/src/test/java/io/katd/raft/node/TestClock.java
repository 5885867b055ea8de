package io.katd.raft.node;

/**
 * A monotonic clock that runs at an adjustable speed relative to the JVM's clock, so a
 * test can make election timeouts long (no spurious elections on a loaded machine) and
 * then let time pass quickly on chosen nodes when it wants an election.
 */
final class TestClock implements MonotonicClock {
    // Guarded by this: the anchor and the speed change together, and nanoTime must read a
    // consistent pair. Contention is negligible (one read per raft cycle).
    private long anchorRealNanos = System.nanoTime();
    private long anchorVirtualNanos;
    private double speed = 1.0;

    @Override
    public synchronized long nanoTime() {
        return anchorVirtualNanos + (long) ((System.nanoTime() - anchorRealNanos) * speed);
    }

    /** From now on, virtual time runs {@code factor} times as fast as real time. */
    synchronized void setSpeed(double factor) {
        long now = System.nanoTime();
        anchorVirtualNanos += (long) ((now - anchorRealNanos) * speed);
        anchorRealNanos = now;
        speed = factor;
    }
}
