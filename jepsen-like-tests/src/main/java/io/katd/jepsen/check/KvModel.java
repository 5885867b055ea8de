package io.katd.jepsen.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A map of string keys to string values with {@code get}, {@code put} and {@code append}
 * (append a string to the current value), as in porcupine's kv test histories; and, for the
 * simulated KV store, {@code delete} (the key reads as "" again) and {@code cas} with
 * {@code [expected new]} (put new if the value is expected; a cas whose compare failed did
 * not happen and is recorded as failed).
 *
 * <p>A key never written (or deleted) reads as the empty string. Operations on different keys commute
 * and never observe each other, so the model splits a history per key.
 */
public final class KvModel implements Model<KvModel.State> {

  /** The values of the keys touched so far; an absent key holds "". */
  public record State(Map<String, String> values) {
    public State {
      values = Map.copyOf(values);
    }

    String get(String key) {
      return values.getOrDefault(key, "");
    }

    State with(String key, String value) {
      if (values.isEmpty() || values.size() == 1 && values.containsKey(key)) {
        // The per-key case, which is all the search sees once the history is split.
        return new State(Map.of(key, value));
      }
      Map<String, String> next = new HashMap<>(values);
      next.put(key, value);
      return new State(next);
    }

    @Override
    public String toString() {
      return new TreeMap<>(values).toString();
    }
  }

  private static final State EMPTY = new State(Map.of());

  @Override
  public String name() {
    return "kv";
  }

  @Override
  public State initialState() {
    return EMPTY;
  }

  @Override
  public void validate(Operation op) {
    if (op.key() == null) {
      throw new IllegalArgumentException("kv operation without key: " + op);
    }
    switch (op.f()) {
      case "get", "delete" -> { }
      case "cas" -> {
        if (!(op.value() instanceof List<?> l && l.size() == 2
            && l.get(0) instanceof String && l.get(1) instanceof String)) {
          throw new IllegalArgumentException("cas needs [expected new] strings: " + op);
        }
      }
      case "put", "append" -> {
        if (!(op.value() instanceof String)) {
          throw new IllegalArgumentException(op.f() + " needs a string value: " + op);
        }
      }
      default -> throw new IllegalArgumentException("kv has no function " + op);
    }
  }

  @Override
  public State step(State state, Operation op) {
    String key = op.key();
    return switch (op.f()) {
      case "get" -> Objects.equals(state.get(key), op.result()) ? state : null;
      case "put" -> state.with(key, (String) op.value());
      case "append" -> state.with(key, state.get(key) + op.value());
      case "delete" -> state.with(key, "");
      case "cas" -> {
        List<?> args = (List<?>) op.value();
        yield state.get(key).equals(args.get(0)) ? state.with(key, (String) args.get(1)) : null;
      }
      default -> throw new IllegalArgumentException("kv has no function " + op);
    };
  }

  @Override
  public boolean isReadOnly(Operation op) {
    return op.f().equals("get");
  }

  @Override
  public List<Partition> partition(List<Operation> ops) {
    Map<String, List<Operation>> byKey = new TreeMap<>();
    for (Operation op : ops) {
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    List<Partition> parts = new ArrayList<>();
    byKey.forEach((key, keyOps) -> parts.add(new Partition(key, keyOps)));
    return parts;
  }
}
