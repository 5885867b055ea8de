package io.katd.raft.node;

/**
 * The node's source of time, read once per duty cycle to decide how many ticks are due.
 * Injected so that tests can run time faster or slower than the wall clock.
 */
@FunctionalInterface
public interface MonotonicClock {

    /** A monotonic reading in nanoseconds; only differences between readings matter. */
    long nanoTime();

    /** The JVM's monotonic clock. */
    static MonotonicClock system() {
        return System::nanoTime;
    }
}
