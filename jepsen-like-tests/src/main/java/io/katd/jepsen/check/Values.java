package io.katd.jepsen.check;

import java.util.List;
import java.util.stream.Collectors;

/** Shows event values the way Jepsen prints them, for messages and reports. */
final class Values {
  private Values() {}

  static String show(Object value) {
    if (value == null) {
      return "nil";
    }
    if (value instanceof String s) {
      return '"' + s + '"';
    }
    if (value instanceof List<?> list) {
      return list.stream().map(Values::show).collect(Collectors.joining(" ", "[", "]"));
    }
    return value.toString();
  }
}
