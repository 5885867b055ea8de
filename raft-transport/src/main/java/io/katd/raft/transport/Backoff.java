package io.katd.raft.transport;

import java.util.random.RandomGenerator;

/**
 * Delays between reconnect attempts to one peer: doubling from a minimum up to a
 * maximum, each drawn at random from the upper half of the current step so that the
 * peers of a restarted node do not all reconnect in the same instant. Pure: time is the
 * caller's, randomness is injected.
 *
 * <p>Not thread-safe: each peer's backoff is used by that peer's event loop only.
 */
final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private final RandomGenerator random;
    // Invariant: stepMillis == 0 (no failure since the last reset) or
    // minMillis <= stepMillis <= maxMillis.
    private long stepMillis;

    Backoff(long minMillis, long maxMillis, RandomGenerator random) {
        if (minMillis <= 0 || minMillis > maxMillis) {
            throw new IllegalArgumentException("need 0 < minMillis (" + minMillis
                    + ") <= maxMillis (" + maxMillis + ")");
        }
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.random = random;
    }

    /** The delay before the next attempt, after one more failure. */
    long nextDelayMillis() {
        stepMillis = stepMillis == 0 ? minMillis : Math.min(maxMillis, stepMillis * 2);
        long half = stepMillis / 2;
        long delay = stepMillis - half + random.nextLong(half + 1);
        assert delay >= stepMillis - half && delay <= stepMillis : delay;
        return delay;
    }

    /** A connection succeeded: the next failure starts again from the minimum. */
    void reset() {
        stepMillis = 0;
    }
}
