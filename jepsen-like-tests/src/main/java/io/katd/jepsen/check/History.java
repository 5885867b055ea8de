package io.katd.jepsen.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A client history: events in real-time order, and the operations they form.
 *
 * <p>The order of the event list is the order in which things happened; positions, not time
 * stamps, decide which operations overlap, because time stamps from different clients need
 * not be comparable. Each process has at most one operation open at a time. An invocation
 * completes with ok, fail or info; an operation still open when the history ends is of unknown
 * outcome, like an info. A process may invoke again after an info (Jepsen gives such a
 * process a new id, but nothing here depends on it).
 */
public final class History {
  private final String source;
  private final List<Event> events;
  private final int[] lines;
  private final List<Operation> operations;

  private History(String source, List<Event> events, int[] lines) {
    this.source = source;
    this.events = List.copyOf(events);
    this.lines = lines.clone();
    this.operations = pair();
  }

  /**
   * Builds a history from events in real-time order; event i is reported as line i + 1.
   *
   * @throws HistoryFormatException if a completion has no open invocation, or a process
   *     invokes while its previous operation is still open
   */
  public static History of(String source, List<Event> events) {
    int[] lines = new int[events.size()];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = i + 1;
    }
    return new History(source, events, lines);
  }

  /** Parsers keep the original line numbers so that errors and reports point at the file. */
  static History of(String source, List<Event> events, List<Integer> lineNumbers) {
    if (events.size() != lineNumbers.size()) {
      throw new IllegalArgumentException("one line number per event");
    }
    int[] lines = lineNumbers.stream().mapToInt(Integer::intValue).toArray();
    return new History(source, events, lines);
  }

  /** The file name or label this history came from. */
  public String source() {
    return source;
  }

  public List<Event> events() {
    return events;
  }

  /** All operations, failed ones included, in invocation order; {@code id} is the index. */
  public List<Operation> operations() {
    return operations;
  }

  /** The source line of the event at {@code index}. */
  public int lineOf(int index) {
    return lines[index];
  }

  private List<Operation> pair() {
    List<Operation> done = new ArrayList<>();
    Map<Integer, Integer> openByProcess = new HashMap<>();
    List<Integer> invokeOfSlot = new ArrayList<>();
    List<Operation> slots = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Event event = events.get(i);
      Integer open = openByProcess.get(event.process());
      if (event.type() == EventType.INVOKE) {
        if (open != null) {
          throw error(i, "process " + event.process() + " invokes " + event.f()
              + " while its operation from line " + lines[invokeOfSlot.get(open)]
              + " is still open");
        }
        openByProcess.put(event.process(), slots.size());
        invokeOfSlot.add(i);
        slots.add(null);
      } else {
        if (open == null) {
          throw error(i, "process " + event.process() + " completes " + event.f()
              + " but has no open invocation");
        }
        Event invocation = events.get(invokeOfSlot.get(open));
        if (!Objects.equals(invocation.f(), event.f())
            || !Objects.equals(invocation.key(), event.key())) {
          throw error(i, "completion " + event.f() + " does not match invocation "
              + invocation.f() + " at line " + lines[invokeOfSlot.get(open)]);
        }
        slots.set(open, new Operation(open, outcomeOf(event.type()), invocation, event,
            invokeOfSlot.get(open), i));
        openByProcess.remove(event.process());
      }
    }
    for (int slot = 0; slot < slots.size(); slot++) {
      Operation op = slots.get(slot);
      int invokeIndex = invokeOfSlot.get(slot);
      done.add(op != null ? op : new Operation(slot, Outcome.UNKNOWN, events.get(invokeIndex),
          null, invokeIndex, Operation.NEVER));
    }
    return List.copyOf(done);
  }

  private static Outcome outcomeOf(EventType type) {
    return switch (type) {
      case OK -> Outcome.OK;
      case FAIL -> Outcome.FAIL;
      case INFO -> Outcome.UNKNOWN;
      case INVOKE -> throw new IllegalStateException("an invocation is not an outcome");
    };
  }

  private HistoryFormatException error(int index, String problem) {
    return new HistoryFormatException(source, lines[index], problem);
  }

  @Override
  public String toString() {
    return "History[" + source + ", " + events.size() + " events, " + operations.size()
        + " operations]";
  }
}
