package io.katd.kv.lease;

import java.util.function.LongSupplier;

/** A monotonic clock that moves only when the test says so; starts far from zero on purpose. */
final class FakeClock implements LongSupplier {

    private long nanos = -5_000_000_000_000L;

    @Override
    public long getAsLong() {
        return nanos;
    }

    void advanceSeconds(double seconds) {
        nanos += (long) (seconds * 1_000_000_000L);
    }

    void advanceNanos(long delta) {
        nanos += delta;
    }
}
