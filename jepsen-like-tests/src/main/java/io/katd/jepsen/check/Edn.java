package io.katd.jepsen.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the subset of EDN that Jepsen histories use: nil, booleans, integers, strings,
 * keywords, vectors, lists and maps. Commas are whitespace, as in Clojure.
 *
 * <p>Keywords become {@link Keyword}; collections become unmodifiable lists and maps.
 * Problems are {@link IllegalArgumentException}s that name the column; callers add the file
 * and line.
 */
final class Edn {
  /** An EDN keyword such as {@code :invoke}, without the colon. */
  record Keyword(String name) {
    @Override
    public String toString() {
      return ":" + name;
    }
  }

  private final String text;
  private int pos;

  private Edn(String text) {
    this.text = text;
  }

  /** Parses exactly one value. */
  static Object parse(String text) {
    List<Object> values = parseAll(text);
    if (values.size() != 1) {
      throw new IllegalArgumentException("expected one EDN value, found " + values.size());
    }
    return values.get(0);
  }

  /** Parses a sequence of values separated by whitespace. */
  static List<Object> parseAll(String text) {
    return parseAll(text, 0);
  }

  /** Parses the values in {@code text} from index {@code from}; columns count from 0. */
  static List<Object> parseAll(String text, int from) {
    Edn reader = new Edn(text);
    reader.pos = from;
    List<Object> values = new ArrayList<>();
    reader.skipSpace();
    while (reader.pos < text.length()) {
      values.add(reader.value());
      reader.skipSpace();
    }
    return values;
  }

  /**
   * Converts a parsed value to an {@link Event} value. Keywords keep their colon, so that a
   * {@code :timed-out} stays distinguishable from the string "timed-out".
   */
  static Object toEventValue(Object edn) {
    if (edn instanceof Keyword keyword) {
      return keyword.toString();
    }
    if (edn instanceof List<?> list) {
      return list.stream().map(Edn::toEventValue).toList();
    }
    if (edn instanceof Map) {
      throw new IllegalArgumentException("maps are not supported as operation values");
    }
    return edn;
  }

  private Object value() {
    char c = text.charAt(pos);
    return switch (c) {
      case '"' -> string();
      case ':' -> new Keyword(token(pos + 1, "keyword"));
      case '[' -> sequence(']');
      case '(' -> sequence(')');
      case '{' -> map();
      default -> atom();
    };
  }

  private Object atom() {
    int start = pos;
    String word = token(pos, "value");
    switch (word) {
      case "nil":
        return null;
      case "true":
        return Boolean.TRUE;
      case "false":
        return Boolean.FALSE;
      default:
        break;
    }
    try {
      return Long.parseLong(word.startsWith("+") ? word.substring(1) : word);
    } catch (NumberFormatException e) {
      throw fail(start, "unsupported EDN value '" + word + "'");
    }
  }

  private String token(int from, String what) {
    int end = from;
    while (end < text.length() && !isDelimiter(text.charAt(end))) {
      end++;
    }
    if (end == from) {
      throw fail(from, "empty " + what);
    }
    pos = end;
    return text.substring(from, end);
  }

  private String string() {
    StringBuilder out = new StringBuilder();
    int start = pos++;
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= text.length()) {
        break;
      }
      char escaped = text.charAt(pos++);
      switch (escaped) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case '"', '\\' -> out.append(escaped);
        default -> throw fail(pos - 2, "unsupported escape \\" + escaped);
      }
    }
    throw fail(start, "unterminated string");
  }

  private List<Object> sequence(char close) {
    int start = pos++;
    List<Object> items = new ArrayList<>();
    while (true) {
      skipSpace();
      if (pos >= text.length()) {
        throw fail(start, "missing '" + close + "'");
      }
      if (text.charAt(pos) == close) {
        pos++;
        return Collections.unmodifiableList(items);
      }
      items.add(value());
    }
  }

  private Map<Object, Object> map() {
    int start = pos;
    List<Object> items = sequence('}');
    if (items.size() % 2 != 0) {
      throw fail(start, "map with an odd number of forms");
    }
    Map<Object, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i += 2) {
      Object key = items.get(i);
      if (key == null || map.containsKey(key)) {
        throw fail(start, "nil or duplicate map key " + key);
      }
      map.put(key, items.get(i + 1));
    }
    return Collections.unmodifiableMap(map);
  }

  private void skipSpace() {
    while (pos < text.length()
        && (Character.isWhitespace(text.charAt(pos)) || text.charAt(pos) == ',')) {
      pos++;
    }
  }

  private static boolean isDelimiter(char c) {
    return Character.isWhitespace(c) || ",[](){}\"".indexOf(c) >= 0;
  }

  private static IllegalArgumentException fail(int index, String problem) {
    return new IllegalArgumentException(problem + " at column " + (index + 1));
  }
}
