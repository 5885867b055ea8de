package io.katd.jepsen.process;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits for a condition, polling, until a deadline. */
final class Await {
  private static final long POLL_MILLIS = 20;

  private Await() {}

  /** Whether {@code condition} held before {@code timeout} passed. */
  static boolean within(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Waits for {@code condition}; throws naming {@code what} after {@code timeout}. */
  static void until(String what, Duration timeout, BooleanSupplier condition) {
    if (!within(timeout, condition)) {
      throw new IllegalStateException("timed out after " + timeout + " waiting until " + what);
    }
  }
}
