package io.katd.raft.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One command line of a scenario file: a name, positional arguments and {@code key=value}
 * arguments. A value may be a parenthesised list, {@code voters=(1 2 3)}, and any token
 * may be double-quoted to keep spaces. Keys a handler never reads are an error, so a
 * misspelt option cannot silently do nothing. Mistakes in a command line are errors of the
 * scenario file, not outcomes of the protocol, so they throw AssertionError and fail the
 * test instead of becoming part of the expected output.
 */
final class Command {
    final String name;
    final List<String> positional;
    private final Map<String, String> keyed;
    private final Set<String> read = new LinkedHashSet<>();

    private Command(String name, List<String> positional, Map<String, String> keyed) {
        this.name = name;
        this.positional = positional;
        this.keyed = keyed;
    }

    static Command parse(String line) {
        List<String> tokens = tokenize(line);
        if (tokens.isEmpty()) {
            throw new AssertionError("empty command");
        }
        List<String> positional = new ArrayList<>();
        Map<String, String> keyed = new LinkedHashMap<>();
        for (String t : tokens.subList(1, tokens.size())) {
            int eq = t.indexOf('=');
            if (eq > 0 && !t.startsWith("\"")) {
                keyed.put(t.substring(0, eq), unquote(t.substring(eq + 1)));
            } else {
                positional.add(unquote(t));
            }
        }
        return new Command(tokens.get(0), positional, keyed);
    }

    private static List<String> tokenize(String line) {
        List<String> tokens = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char closing = 0;
        for (char c : line.toCharArray()) {
            if (closing != 0) {
                cur.append(c);
                if (c == closing) {
                    closing = 0;
                }
            } else if (c == ' ' || c == '\t') {
                if (cur.length() > 0) {
                    tokens.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
                if (c == '"') {
                    closing = '"';
                } else if (c == '(') {
                    closing = ')';
                }
            }
        }
        if (closing != 0) {
            throw new AssertionError("unterminated " + closing + " in: " + line);
        }
        if (cur.length() > 0) {
            tokens.add(cur.toString());
        }
        return tokens;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    String arg(int position) {
        if (position >= positional.size()) {
            throw new AssertionError(name + ": missing argument " + (position + 1));
        }
        return positional.get(position);
    }

    long id(int position) {
        return parseLong(arg(position));
    }

    /** All positional arguments from {@code from} on, as ids. */
    List<Long> ids(int from) {
        List<Long> ids = new ArrayList<>();
        for (String p : positional.subList(Math.min(from, positional.size()),
                positional.size())) {
            ids.add(parseLong(p));
        }
        return ids;
    }

    boolean has(String key) {
        return keyed.containsKey(key);
    }

    String string(String key, String dflt) {
        read.add(key);
        return keyed.getOrDefault(key, dflt);
    }

    long number(String key, long dflt) {
        String v = string(key, null);
        return v == null ? dflt : parseLong(v);
    }

    long requiredNumber(String key) {
        if (!keyed.containsKey(key)) {
            throw new AssertionError(name + ": missing " + key + "=");
        }
        return number(key, 0);
    }

    boolean flag(String key) {
        String v = string(key, "false");
        if (!v.equals("true") && !v.equals("false")) {
            throw new AssertionError(key + " must be true or false, was " + v);
        }
        return v.equals("true");
    }

    /** A list value {@code (1 2 3)} or a single id, as ids; empty when absent. */
    List<Long> idList(String key) {
        List<Long> ids = new ArrayList<>();
        for (String s : list(key)) {
            ids.add(parseLong(s));
        }
        return ids;
    }

    /** A list value {@code (a b c)} or a single word; empty when absent. */
    List<String> list(String key) {
        String v = string(key, null);
        if (v == null) {
            return List.of();
        }
        if (v.startsWith("(") && v.endsWith(")")) {
            v = v.substring(1, v.length() - 1);
        }
        List<String> out = new ArrayList<>();
        for (String s : v.trim().split("\\s+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Fails on keys no handler read: they are typos or unsupported options. */
    void checkAllRead() {
        Set<String> unread = new LinkedHashSet<>(keyed.keySet());
        unread.removeAll(read);
        if (!unread.isEmpty()) {
            throw new AssertionError(name + ": unknown arguments " + unread);
        }
    }

    private long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new AssertionError(name + ": not a number: " + s);
        }
    }
}
