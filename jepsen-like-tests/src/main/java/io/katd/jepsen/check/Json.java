package io.katd.jepsen.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for history lines: reads any JSON text into null, {@link Boolean},
 * {@link Long} (integers) or {@link Double}, {@link String}, unmodifiable lists and maps;
 * writes those too (maps in their iteration order), for history lines and reports. Problems are {@link IllegalArgumentException}s that name
 * the column; callers add the file and line.
 */
public final class Json {
  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  public static Object parse(String text) {
    Json reader = new Json(text);
    reader.skipSpace();
    Object value = reader.value();
    reader.skipSpace();
    if (reader.pos != text.length()) {
      throw reader.fail("trailing characters");
    }
    return value;
  }

  public static void write(Object value, StringBuilder out) {
    if (value == null || value instanceof Long || value instanceof Integer
        || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Double d && Double.isFinite(d)) {
      out.append(d);
    } else if (value instanceof String s) {
      writeString(s, out);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.append(first ? "" : ",");
        first = false;
        writeString(String.valueOf(e.getKey()), out);
        out.append(':');
        write(e.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "" : ",");
        write(list.get(i), out);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("cannot write " + value.getClass() + " as JSON");
    }
  }

  public static void writeString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private Object value() {
    if (pos >= text.length()) {
      throw fail("unexpected end of input");
    }
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> number();
    };
  }

  private Map<String, Object> object() {
    pos++;
    Map<String, Object> map = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') {
      pos++;
      return Collections.unmodifiableMap(map);
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw fail("expected a string key");
      }
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      if (map.containsKey(key)) {
        throw fail("duplicate key \"" + key + "\"");
      }
      map.put(key, value());
      skipSpace();
      if (peek() == '}') {
        pos++;
        return Collections.unmodifiableMap(map);
      }
      expect(',');
    }
  }

  private List<Object> array() {
    pos++;
    List<Object> items = new ArrayList<>();
    skipSpace();
    if (peek() == ']') {
      pos++;
      return Collections.unmodifiableList(items);
    }
    while (true) {
      skipSpace();
      items.add(value());
      skipSpace();
      if (peek() == ']') {
        pos++;
        return Collections.unmodifiableList(items);
      }
      expect(',');
    }
  }

  private String string() {
    pos++;
    StringBuilder out = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw fail("control character in string");
      }
      out.append(c == '\\' ? escape() : c);
    }
    throw fail("unterminated string");
  }

  private char escape() {
    if (pos >= text.length()) {
      throw fail("unterminated escape");
    }
    char c = text.charAt(pos++);
    return switch (c) {
      case '"', '\\', '/' -> c;
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'u' -> unicode();
      default -> throw fail("bad escape \\" + c);
    };
  }

  private char unicode() {
    if (pos + 4 > text.length()) {
      throw fail("short \\u escape");
    }
    try {
      char c = (char) Integer.parseInt(text.substring(pos, pos + 4), 16);
      pos += 4;
      return c;
    } catch (NumberFormatException e) {
      throw fail("bad \\u escape");
    }
  }

  private Object number() {
    int start = pos;
    while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    String number = text.substring(start, pos);
    try {
      if (number.matches("-?(0|[1-9][0-9]*)")) {
        return Long.parseLong(number);
      }
      if (number.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
        return Double.parseDouble(number);
      }
    } catch (NumberFormatException e) {
      throw fail("number out of range: " + number);
    }
    pos = start;
    throw fail(number.isEmpty() ? "unexpected character '" + peek() + "'"
        : "bad number " + number);
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, pos)) {
      throw fail("unexpected token");
    }
    pos += word.length();
    return value;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw fail("expected '" + c + "'");
    }
    pos++;
  }

  private char peek() {
    if (pos >= text.length()) {
      throw fail("unexpected end of input");
    }
    return text.charAt(pos);
  }

  private void skipSpace() {
    while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private IllegalArgumentException fail(String problem) {
    return new IllegalArgumentException(problem + " at column " + (pos + 1));
  }
}
