package io.katd.jepsen.check;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the client events of a Jepsen log, as written by {@code jepsen.util}:
 *
 * <pre>
 * INFO  jepsen.util - 3	:invoke	:write	4
 * INFO  jepsen.util - 1	:ok	:cas	[4 0]
 * INFO  jepsen.util - 0	:ok	:read	nil
 * </pre>
 *
 * <p>Fields may be separated by tabs or spaces. Lines that are not client events (other log
 * output, nemesis lines whose process is not a number) are skipped; a client event line that
 * cannot be read is an error naming the file and line.
 */
public final class JepsenLogParser {
  // A client event: "jepsen.util - <process>" then the rest; anything else is other output.
  private static final Pattern EVENT =
      Pattern.compile("\\bjepsen\\.util\\s+-\\s+(\\d+)\\s+(.*)$");

  private JepsenLogParser() {}

  /** Parses a log file. */
  public static History parse(Path file) throws IOException {
    return HistoryLines.read(file, JepsenLogParser::decodeLine);
  }

  /** Parses a log; {@code source} names it in errors and reports. */
  public static History parse(String source, Reader input) throws IOException {
    return HistoryLines.read(source, input, JepsenLogParser::decodeLine);
  }

  private static Event decodeLine(String line) {
    Matcher matcher = EVENT.matcher(line);
    if (!matcher.find()) {
      return null;
    }
    return event(matcher.group(1), line, matcher.start(2));
  }

  private static Event event(String processText, String line, int restStart) {
    int process;
    try {
      process = Integer.parseInt(processText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("process id out of range: " + processText);
    }
    // Parsed in place so that error columns count from the start of the line.
    List<Object> fields = Edn.parseAll(line, restStart);
    if (fields.size() != 3 || !(fields.get(0) instanceof Edn.Keyword type)
        || !(fields.get(1) instanceof Edn.Keyword f)) {
      throw new IllegalArgumentException("expected ':type :f value' after the process, got '"
          + line.substring(restStart).strip() + "'");
    }
    EventType eventType = EventType.fromWireName(type.name());
    if (eventType == null) {
      throw new IllegalArgumentException("unknown event type " + type);
    }
    return Event.of(process, eventType, f.name(), null, Edn.toEventValue(fields.get(2)));
  }
}
