package io.katd.raft.transport;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Bounded waits for what other threads (event loops, raft threads) make true. Every wait
 * has a generous deadline whose expiry fails the test; conditions are re-checked in
 * short slices, so a wait ends as soon as its condition holds.
 */
final class Await {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private Await() {}

    static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + TIMEOUT + " waiting until " + what);
            }
            LockSupport.parkNanos(SLICE_NANOS);
        }
    }

    static <T> T take(BlockingQueue<T> queue, String what) {
        try {
            T v = queue.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (v == null) {
                fail("timed out after " + TIMEOUT + " waiting for " + what);
            }
            return v;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static <T> T get(CompletableFuture<T> f) {
        try {
            return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError("future failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("future did not complete within " + TIMEOUT);
        }
    }
}
