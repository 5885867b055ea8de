package io.katd.jepsen.check;

import java.util.List;
import java.util.Objects;

/**
 * One line of a client history: a process invoking an operation or learning its outcome.
 *
 * <p>Values are plain immutable Java values so that every format can carry them: {@code null}
 * (Jepsen's {@code nil}), {@link Long}, {@link String}, {@link Boolean}, or an unmodifiable
 * {@link List} of those (a cas carries {@code [expected new]}).
 *
 * @param process the client (Jepsen "process") that issued the operation
 * @param type invoke, or the kind of completion
 * @param f the function, e.g. {@code read}, {@code write}, {@code cas}, {@code append}
 * @param key the key for multi-key models, null for a single register
 * @param value the argument on invoke, the result on ok
 * @param timeNanos a wall or simulated time stamp, or {@link #NO_TIME} when the source has none
 */
public record Event(int process, EventType type, String f, String key, Object value,
    long timeNanos) {

  /** Marks an event whose source carried no time stamp. */
  public static final long NO_TIME = -1;

  public Event {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(f, "f");
    value = immutableValue(value);
  }

  /** An event without a time stamp. */
  public static Event of(int process, EventType type, String f, String key, Object value) {
    return new Event(process, type, f, key, value, NO_TIME);
  }

  /** Whether this event carries a time stamp. */
  public boolean hasTime() {
    return timeNanos != NO_TIME;
  }

  // Checked once here so that models and writers can trust the shape of every value.
  private static Object immutableValue(Object value) {
    if (value == null || value instanceof String || value instanceof Long
        || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(Event::immutableValue).toList();
    }
    throw new IllegalArgumentException("unsupported event value type: " + value.getClass());
  }
}
