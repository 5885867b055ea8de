package io.katd.jepsen.check;

import java.util.ArrayList;
import java.util.List;

/** Writes small histories in tests, one event per call, in real-time order. */
final class HistoryBuilder {
  private final List<Event> events = new ArrayList<>();
  private final String key;

  private HistoryBuilder(String key) {
    this.key = key;
  }

  /** A history of a single register (events without key). */
  static HistoryBuilder register() {
    return new HistoryBuilder(null);
  }

  /** A kv history whose events use {@code key} unless a call names another. */
  static HistoryBuilder kv(String key) {
    return new HistoryBuilder(key);
  }

  HistoryBuilder invoke(int process, String f, Object value) {
    return add(process, EventType.INVOKE, f, key, value);
  }

  HistoryBuilder ok(int process, String f, Object value) {
    return add(process, EventType.OK, f, key, value);
  }

  HistoryBuilder fail(int process, String f, Object value) {
    return add(process, EventType.FAIL, f, key, value);
  }

  HistoryBuilder info(int process, String f, Object value) {
    return add(process, EventType.INFO, f, key, value);
  }

  /** An operation that ran alone: invoke immediately followed by ok. */
  HistoryBuilder complete(int process, String f, Object argument, Object result) {
    return invoke(process, f, argument).ok(process, f, result);
  }

  HistoryBuilder add(int process, EventType type, String f, String eventKey, Object value) {
    events.add(new Event(process, type, f, eventKey, value, events.size() * 10L));
    return this;
  }

  History build() {
    return History.of("test", events);
  }
}
