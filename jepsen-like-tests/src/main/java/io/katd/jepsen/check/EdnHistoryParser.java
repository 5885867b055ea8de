package io.katd.jepsen.check;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads a history written as one EDN map per line, as in Jepsen and porcupine:
 *
 * <pre>
 * {:process 9, :type :invoke, :f :append, :key "0", :value "x 9 0 y"}
 * {:process 9, :type :ok, :f :append, :key "0", :value "x 9 0 y"}
 * </pre>
 *
 * <p>{@code :process}, {@code :type} and {@code :f} are required; {@code :key},
 * {@code :value} and {@code :time} are optional (a numeric key is read as its decimal
 * text); other entries are ignored. Events of a non-numeric process (Jepsen's
 * {@code :nemesis}) are skipped, as are blank lines and {@code ;} comments.
 */
public final class EdnHistoryParser {
  private static final Edn.Keyword PROCESS = new Edn.Keyword("process");
  private static final Edn.Keyword TYPE = new Edn.Keyword("type");
  private static final Edn.Keyword F = new Edn.Keyword("f");
  private static final Edn.Keyword KEY = new Edn.Keyword("key");
  private static final Edn.Keyword VALUE = new Edn.Keyword("value");
  private static final Edn.Keyword TIME = new Edn.Keyword("time");

  private EdnHistoryParser() {}

  /** Parses a history file. */
  public static History parse(Path file) throws IOException {
    return HistoryLines.read(file, EdnHistoryParser::decodeLine);
  }

  /** Parses a history; {@code source} names it in errors and reports. */
  public static History parse(String source, Reader input) throws IOException {
    return HistoryLines.read(source, input, EdnHistoryParser::decodeLine);
  }

  private static Event decodeLine(String line) {
    String text = line.strip();
    if (text.isEmpty() || text.startsWith(";")) {
      return null;
    }
    return event(Edn.parse(text));
  }

  /** The event of one map, or null for a non-client (nemesis) event. */
  private static Event event(Object parsed) {
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("expected a map {:process .. :type .. :f ..}");
    }
    Object process = required(map, PROCESS);
    if (process instanceof Edn.Keyword) {
      return null;
    }
    if (!(process instanceof Long id) || id < 0 || id > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(":process must be a non-negative integer");
    }
    EventType type = required(map, TYPE) instanceof Edn.Keyword k
        ? EventType.fromWireName(k.name()) : null;
    if (type == null) {
      throw new IllegalArgumentException(":type must be :invoke, :ok, :fail or :info");
    }
    if (!(required(map, F) instanceof Edn.Keyword f)) {
      throw new IllegalArgumentException(":f must be a keyword");
    }
    Object key = map.get(KEY);
    if (key instanceof Edn.Keyword || key instanceof List || key instanceof Map) {
      throw new IllegalArgumentException(":key must be a string or a number");
    }
    Object time = map.get(TIME);
    if (time != null && !(time instanceof Long t && t >= 0)) {
      throw new IllegalArgumentException(":time must be a non-negative integer");
    }
    return new Event(id.intValue(), type, f.name(), key == null ? null : key.toString(),
        Edn.toEventValue(map.get(VALUE)), time == null ? Event.NO_TIME : (Long) time);
  }

  private static Object required(Map<?, ?> map, Edn.Keyword name) {
    if (!map.containsKey(name)) {
      throw new IllegalArgumentException("missing " + name);
    }
    return map.get(name);
  }
}
