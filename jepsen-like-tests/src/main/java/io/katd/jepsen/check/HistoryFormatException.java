package io.katd.jepsen.check;

/** A history file (or event sequence) that cannot be read; the message names source and line. */
public final class HistoryFormatException extends RuntimeException {
  private final String source;
  private final int line;

  HistoryFormatException(String source, int line, String problem) {
    super(source + ":" + line + ": " + problem);
    this.source = source;
    this.line = line;
  }

  /** The file name or other label of the input. */
  public String source() {
    return source;
  }

  /** The 1-based line of the offending input. */
  public int line() {
    return line;
  }
}
