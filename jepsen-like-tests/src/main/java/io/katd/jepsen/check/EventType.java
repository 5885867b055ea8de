package io.katd.jepsen.check;

import java.util.Locale;

/** The kind of a history event, named as in Jepsen histories. */
public enum EventType {
  /** A client started an operation. */
  INVOKE,
  /** The operation completed and took effect; its value is the result. */
  OK,
  /** The operation certainly did not take effect. */
  FAIL,
  /** The outcome is unknown (for example a timeout): it may have taken effect, or not. */
  INFO;

  /** The lower-case name used by every text format ("invoke", "ok", "fail", "info"). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name; returns null for anything else so parsers can report the line. */
  static EventType fromWireName(String name) {
    for (EventType type : values()) {
      if (type.wireName().equals(name)) {
        return type;
      }
    }
    return null;
  }
}
