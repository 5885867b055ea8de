package io.katd.jepsen.process;

import io.katd.jepsen.check.Event;
import io.katd.jepsen.check.EventType;
import io.katd.jepsen.check.LostWriteChecker;
import io.katd.jepsen.report.RunRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What a process run records as it goes, from every thread: the client history in the
 * order things happened (events are appended under one lock, at the moment they happen),
 * the operations for the timeline, the acknowledged writes, fault bands, leader changes and
 * notes. Times are microseconds since the run began.
 */
final class RunLog {
  private final LongSupplier nanoClock;
  private final long startNanos;
  private final List<Event> history = new ArrayList<>();
  private final List<RunRecord.Span> spans = new ArrayList<>();
  private final List<LostWriteChecker.Acked> acked = new ArrayList<>();
  private final List<RunRecord.Band> bands = new ArrayList<>();
  private final List<RunRecord.LeaderMark> leaders = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  RunLog(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
  }

  long nowMicros() {
    return (nanoClock.getAsLong() - startNanos) / 1000;
  }

  /** Records an invocation; returns its time. */
  synchronized long invoke(int process, String f, String key, Object argument) {
    long now = nowMicros();
    history.add(new Event(process, EventType.INVOKE, f, key, argument, now * 1000));
    return now;
  }

  /** Records a completion and its timeline span. */
  synchronized void complete(int process, EventType type, String f, String key,
      Object argument, Object result, long invokedMicros, String member) {
    long now = nowMicros();
    history.add(new Event(process, type, f, key, type == EventType.OK ? result : argument,
        now * 1000));
    spans.add(new RunRecord.Span(process, f, key, String.valueOf(argument), invokedMicros,
        now, type.wireName(), member, String.valueOf(result)));
  }

  synchronized void acked(String key, String value, long revision) {
    acked.add(new LostWriteChecker.Acked(key, value, revision));
  }

  synchronized void band(String kind, List<Integer> rows, long startMicros, long endMicros) {
    bands.add(new RunRecord.Band(kind, rows, startMicros, endMicros));
  }

  synchronized void leader(int row, long term) {
    leaders.add(new RunRecord.LeaderMark(nowMicros(), row, term));
  }

  synchronized void note(String text) {
    notes.add(nowMicros() / 1000 + " ms: " + text);
  }

  synchronized List<Event> history() {
    return List.copyOf(history);
  }

  synchronized List<RunRecord.Span> spans() {
    return List.copyOf(spans);
  }

  synchronized List<LostWriteChecker.Acked> acked() {
    return List.copyOf(acked);
  }

  synchronized List<RunRecord.Band> bands() {
    return List.copyOf(bands);
  }

  synchronized List<RunRecord.LeaderMark> leaders() {
    return List.copyOf(leaders);
  }

  synchronized List<String> notes() {
    return List.copyOf(notes);
  }
}
