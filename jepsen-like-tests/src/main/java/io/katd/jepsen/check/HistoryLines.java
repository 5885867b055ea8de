package io.katd.jepsen.check;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a line-oriented history: each line holds one event or is skipped. The formats
 * differ only in how a line is decoded; the line numbers kept here make every error and
 * report point at the input line.
 */
final class HistoryLines {
  /** Decodes one line. */
  @FunctionalInterface
  interface LineDecoder {
    /**
     * The line's event, or null for a line that is not a client event.
     *
     * @throws IllegalArgumentException naming what is wrong with a malformed line
     */
    Event decode(String line);
  }

  private HistoryLines() {}

  static History read(Path file, LineDecoder decoder) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(file.getFileName().toString(), reader, decoder);
    }
  }

  static History read(String source, Reader input, LineDecoder decoder) throws IOException {
    BufferedReader reader = new BufferedReader(input);
    List<Event> events = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    int lineNumber = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      lineNumber++;
      Event event;
      try {
        event = decoder.decode(line);
      } catch (IllegalArgumentException e) {
        throw new HistoryFormatException(source, lineNumber, e.getMessage());
      }
      if (event != null) {
        events.add(event);
        lines.add(lineNumber);
      }
    }
    return History.of(source, events, lines);
  }
}
