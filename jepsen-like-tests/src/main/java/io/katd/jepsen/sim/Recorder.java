package io.katd.jepsen.sim;

import io.katd.jepsen.check.Event;
import io.katd.jepsen.check.EventType;
import io.katd.jepsen.check.JsonlHistory;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run records as it goes: the client history (for the checkers and history.jsonl),
 * one record per operation (for the timeline), fault bands, leader changes, and a running
 * hash of everything, which makes "one seed gives one run" checkable.
 */
final class Recorder {
  /** One client operation as the timeline shows it. */
  record Op(int client, String f, String key, String argument, long invokeMicros,
      long completeMicros, String outcome, long node, String result) {}

  /** A fault in effect between two times, on the named nodes ("*" for the network). */
  record Band(String kind, String nodes, long startMicros, long endMicros) {}

  record LeaderChange(long atMicros, long node, long term) {}

  final List<Event> history = new ArrayList<>();
  final List<Op> ops = new ArrayList<>();
  final List<Band> bands = new ArrayList<>();
  final List<LeaderChange> leaders = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  private long hash = 0xcbf29ce484222325L;

  void event(Event e) {
    history.add(e);
    trace(JsonlHistory.toLine(e));
  }

  void invoke(int process, String f, String key, Object value, long nowMicros) {
    event(new Event(process, EventType.INVOKE, f, key, value, nowMicros * 1000));
  }

  void complete(int process, EventType type, String f, String key, Object value,
      long nowMicros) {
    event(new Event(process, type, f, key, value, nowMicros * 1000));
  }

  void op(Op op) {
    ops.add(op);
    trace(op.toString());
  }

  void band(String kind, String nodes, long start, long end) {
    bands.add(new Band(kind, nodes, start, end));
    trace("band " + kind + " " + nodes + " " + start + " " + end);
  }

  void leader(long at, long node, long term) {
    leaders.add(new LeaderChange(at, node, term));
    trace("leader " + node + " " + term + " " + at);
  }

  void note(String s) {
    notes.add(s);
    trace(s);
  }

  /** Folds a line into the trace hash (FNV-1a over its characters). */
  void trace(String line) {
    for (int i = 0; i < line.length(); i++) {
      hash ^= line.charAt(i);
      hash *= 0x100000001b3L;
    }
    hash ^= '\n';
    hash *= 0x100000001b3L;
  }

  long traceHash() {
    return hash;
  }
}
