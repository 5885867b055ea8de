package io.katd.jepsen.sim;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The simulated clock and its queue of pending actions: actions run one at a time in time
 * order, ties in the order they were scheduled. Nothing else in a run moves time.
 */
final class EventLoop {
  private record Item(long atMicros, long seq, Runnable action) {}

  private final PriorityQueue<Item> queue = new PriorityQueue<>(
      Comparator.comparingLong(Item::atMicros).thenComparingLong(Item::seq));
  private long nowMicros;
  private long seq;
  private long executed;

  long now() {
    return nowMicros;
  }

  long executed() {
    return executed;
  }

  void at(long atMicros, Runnable action) {
    queue.add(new Item(Math.max(atMicros, nowMicros), seq++, action));
  }

  void after(long delayMicros, Runnable action) {
    at(nowMicros + delayMicros, action);
  }

  /** Runs actions until the queue is empty or the next one is after {@code untilMicros}. */
  void runUntil(long untilMicros) {
    while (!queue.isEmpty() && queue.peek().atMicros() <= untilMicros) {
      Item next = queue.poll();
      nowMicros = next.atMicros();
      executed++;
      next.action().run();
    }
    nowMicros = Math.max(nowMicros, untilMicros);
  }

  /** Runs in steps of {@code stepMicros} until the condition holds or the deadline passes. */
  boolean runUntil(java.util.function.BooleanSupplier done, long deadlineMicros,
      long stepMicros) {
    while (!done.getAsBoolean()) {
      if (nowMicros >= deadlineMicros) {
        return false;
      }
      runUntil(Math.min(deadlineMicros, nowMicros + stepMicros));
    }
    return true;
  }
}
