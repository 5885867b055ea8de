package io.katd.jepsen.process;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The fault of every directed peer link (from, to), by member name; a link never set
 * passes. The proxies read it chunk by chunk, so a new fault acts on open connections at
 * their next chunk (a raft stream carries heartbeats or probes at least every second).
 */
final class LinkTable {
  /** A link's fault and when it was set (on the table's clock, in nanoseconds). */
  record Current(LinkFault fault, long sinceNanos) {}

  private static final Current PASSING = new Current(LinkFault.PASS, 0);

  private final Map<String, Current> links = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  LinkTable(LongSupplier clock) {
    this.clock = clock;
  }

  LinkTable() {
    this(System::nanoTime);
  }

  long nowNanos() {
    return clock.getAsLong();
  }

  void set(String from, String to, LinkFault fault) {
    if (from.equals(to)) {
      throw new IllegalArgumentException("a link joins two members, got " + from + "->" + to);
    }
    links.put(key(from, to), new Current(fault, clock.getAsLong()));
  }

  /** Every link passes again. */
  void healAll() {
    links.clear();
  }

  Current current(String from, String to) {
    return links.getOrDefault(key(from, to), PASSING);
  }

  /** The links that do not pass, for reports. */
  Map<String, LinkFault> faulty() {
    Map<String, LinkFault> out = new java.util.TreeMap<>();
    links.forEach((k, v) -> {
      if (v.fault().kind() != LinkFault.Kind.PASS) {
        out.put(k, v.fault());
      }
    });
    return out;
  }

  private static String key(String from, String to) {
    return from + "->" + to;
  }
}
