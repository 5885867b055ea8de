package io.katd.raft.node;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting for a condition that other threads make true: they call {@link #signal} after
 * each change (applied entries, leader changes), and waiters re-check the condition. The
 * wait is bounded by a generous deadline whose expiry fails the test; the short wait
 * slices only guard against a change that was not signalled.
 */
public final class Await {
    // Generous: RocksDB-backed clusters in other modules use it on a loaded machine too.
    public static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final long SLICE_MILLIS = 20;

    // The monitor waiters sleep on and signallers notify.
    private final Object monitor = new Object();

    public void signal() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    public void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (monitor) {
            while (!condition.getAsBoolean()) {
                long remainingNanos = deadline - System.nanoTime();
                if (remainingNanos <= 0) {
                    fail("timed out after " + TIMEOUT + " waiting until " + what);
                }
                try {
                    monitor.wait(Math.min(SLICE_MILLIS, remainingNanos / 1_000_000 + 1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    fail("interrupted waiting until " + what);
                }
            }
        }
    }
}
