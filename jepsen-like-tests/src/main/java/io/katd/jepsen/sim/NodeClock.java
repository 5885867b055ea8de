package io.katd.jepsen.sim;

/**
 * One node's clock: the simulated time plus an offset that jumps, running fast or slow by a
 * drift in parts per million. The node's ticks and its lease deadlines follow this clock.
 */
final class NodeClock {
  private final EventLoop loop;
  private long offsetMicros;
  private long driftPpm;

  NodeClock(EventLoop loop) {
    this.loop = loop;
  }

  long micros() {
    long now = loop.now();
    return now + offsetMicros + now * driftPpm / 1_000_000;
  }

  long nanos() {
    return micros() * 1000;
  }

  void jump(long deltaMicros) {
    offsetMicros += deltaMicros;
  }

  void drift(long ppm) {
    // Keep the reading continuous when the rate changes.
    long now = loop.now();
    offsetMicros += now * driftPpm / 1_000_000 - now * ppm / 1_000_000;
    driftPpm = ppm;
  }

  /** How long, in simulated time, this clock takes to advance by {@code localMicros}. */
  long realDelay(long localMicros) {
    return Math.max(1, localMicros * 1_000_000 / (1_000_000 + driftPpm));
  }
}
