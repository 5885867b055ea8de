package io.katd.jepsen.check;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How much work a check may do before it gives up with {@link Verdict#UNKNOWN}.
 *
 * <p>The clock is injected so that tests can run a time budget deterministically; pass
 * {@code System::nanoTime} in production. Steps are counted across all parts of a history.
 *
 * @param nanoClock a monotonic nanosecond source
 * @param timeoutNanos time allowed from the start of the check
 * @param maxSteps search steps allowed (one step tries or undoes one operation)
 */
public record Budget(LongSupplier nanoClock, long timeoutNanos, long maxSteps) {

  // Reading the clock on every step would cost more than the step itself.
  static final int CLOCK_INTERVAL_STEPS = 256;

  public Budget {
    Objects.requireNonNull(nanoClock, "nanoClock");
    if (timeoutNanos < 0 || maxSteps < 0) {
      throw new IllegalArgumentException("budget limits must not be negative");
    }
  }

  /** No limit at all: the check may run forever on a pathological history. */
  public static Budget unlimited() {
    return new Budget(() -> 0L, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /** At most {@code maxSteps} search steps, no time limit. */
  public static Budget ofSteps(long maxSteps) {
    return new Budget(() -> 0L, Long.MAX_VALUE, maxSteps);
  }

  /** At most {@code timeout} as measured by {@code nanoClock}. */
  public static Budget ofTime(Duration timeout, LongSupplier nanoClock) {
    return new Budget(nanoClock, timeout.toNanos(), Long.MAX_VALUE);
  }

  /** This budget with a step limit as well. */
  public Budget withMaxSteps(long steps) {
    return new Budget(nanoClock, timeoutNanos, steps);
  }

  Meter start() {
    return new Meter(this, nanoClock.getAsLong());
  }

  /** The running count for one check. */
  static final class Meter {
    private final Budget budget;
    private final long startNanos;
    private long steps;
    private String exhausted;

    private Meter(Budget budget, long startNanos) {
      this.budget = budget;
      this.startNanos = startNanos;
    }

    /** Counts one step; false once the budget is spent (and from then on). */
    boolean spend() {
      if (exhausted == null) {
        if (steps >= budget.maxSteps) {
          exhausted = "step budget of " + budget.maxSteps + " exhausted";
        } else if (steps % CLOCK_INTERVAL_STEPS == 0 && timeIsUp()) {
          exhausted = "time budget of " + Duration.ofNanos(budget.timeoutNanos)
              + " exhausted after " + steps + " steps";
        }
      }
      if (exhausted != null) {
        return false;
      }
      steps++;
      return true;
    }

    private boolean timeIsUp() {
      // A difference, not a comparison with start + timeout, so that it cannot overflow.
      return budget.nanoClock.getAsLong() - startNanos >= budget.timeoutNanos;
    }

    long steps() {
      return steps;
    }

    /** Why the budget ran out, or null if it has not. */
    String exhausted() {
      return exhausted;
    }
  }
}
