package io.katd.jepsen.check;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * katd's own history format, {@code history.jsonl}: one event per line,
 *
 * <pre>
 * {"process":3,"type":"invoke","f":"cas","key":"k","value":[1,2],"time":1200}
 * {"process":3,"type":"ok","f":"cas","key":"k","value":[1,2],"time":1800}
 * </pre>
 *
 * <p>{@code process}, {@code type} (invoke, ok, fail, info) and {@code f} are required;
 * {@code key} (a string), {@code value} (null, boolean, integer, string or array of those)
 * and {@code time} (integer nanoseconds) may be absent. Other fields are ignored so that
 * writers can add context. Blank lines are skipped.
 */
public final class JsonlHistory {
  private JsonlHistory() {}

  /** Reads a history file. */
  public static History read(Path file) throws IOException {
    return HistoryLines.read(file, JsonlHistory::decodeLine);
  }

  /** Reads a history; {@code source} names it in errors and reports. */
  public static History read(String source, Reader input) throws IOException {
    return HistoryLines.read(source, input, JsonlHistory::decodeLine);
  }

  private static Event decodeLine(String line) {
    return line.isBlank() ? null : event(Json.parse(line));
  }

  /** Writes events, one line each. */
  public static void write(List<Event> events, Writer out) throws IOException {
    for (Event event : events) {
      out.write(toLine(event));
      out.write('\n');
    }
  }

  /** Writes a history file, replacing any existing one. */
  public static void write(History history, Path file) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(history.events(), out);
    }
  }

  /** The JSON line of one event, without the newline. */
  public static String toLine(Event event) {
    StringBuilder out = new StringBuilder(96);
    out.append("{\"process\":").append(event.process());
    out.append(",\"type\":\"").append(event.type().wireName()).append('"');
    out.append(",\"f\":");
    Json.writeString(event.f(), out);
    if (event.key() != null) {
      out.append(",\"key\":");
      Json.writeString(event.key(), out);
    }
    out.append(",\"value\":");
    Json.write(event.value(), out);
    if (event.hasTime()) {
      out.append(",\"time\":").append(event.timeNanos());
    }
    return out.append('}').toString();
  }

  private static Event event(Object parsed) {
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    if (!(map.get("process") instanceof Long process) || process < 0
        || process > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("\"process\" must be a non-negative integer");
    }
    EventType type = map.get("type") instanceof String t ? EventType.fromWireName(t) : null;
    if (type == null) {
      throw new IllegalArgumentException("\"type\" must be invoke, ok, fail or info");
    }
    if (!(map.get("f") instanceof String f)) {
      throw new IllegalArgumentException("\"f\" must be a string");
    }
    Object key = map.get("key");
    if (key != null && !(key instanceof String)) {
      throw new IllegalArgumentException("\"key\" must be a string");
    }
    Object time = map.get("time");
    if (time != null && !(time instanceof Long t && t >= 0)) {
      throw new IllegalArgumentException("\"time\" must be a non-negative integer");
    }
    Object value = map.get("value");
    checkValue(value);
    return new Event(process.intValue(), type, f, (String) key, value,
        time == null ? Event.NO_TIME : (Long) time);
  }

  private static void checkValue(Object value) {
    if (value instanceof List<?> list) {
      list.forEach(JsonlHistory::checkValue);
    } else if (value instanceof Map || value instanceof Double) {
      throw new IllegalArgumentException("\"value\" must be null, boolean, integer, string"
          + " or an array of those");
    }
  }
}
