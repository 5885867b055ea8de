package io.katd.jepsen.check;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;

/**
 * No lost acknowledged write: every write a client was told succeeded, at some revision, is
 * in the committed history at that revision, and every node's final state is the committed
 * history replayed (so nothing acknowledged was later undone on any node).
 */
public final class LostWriteChecker {
  public static final String NAME = "lost-writes";

  /**
   * A write acknowledged to a client.
   *
   * @param key the key written
   * @param value the value put, or null for a delete
   * @param revision the revision the acknowledgement named
   */
  public record Acked(String key, String value, long revision) {
    public Acked {
      Objects.requireNonNull(key, "key");
    }
  }

  private LostWriteChecker() {}

  /**
   * @param committed the events of every committed revision
   * @param finalStates per node, its final key-values (key to value)
   */
  public static Finding check(List<Acked> acked, SortedMap<Long, List<KvEvent>> committed,
      Map<Long, Map<String, String>> finalStates) {
    for (Acked a : acked) {
      List<KvEvent> at = committed.getOrDefault(a.revision(), List.of());
      boolean found = at.stream().anyMatch(e -> e.key().equals(a.key())
          && (a.value() == null ? e.type() == KvEvent.Type.DELETE
              : e.type() == KvEvent.Type.PUT && e.value().equals(a.value())));
      if (!found) {
        return Finding.violation(NAME, "acknowledged " + describe(a) + " at revision "
            + a.revision() + ", but the committed history has " + at + " there");
      }
    }
    Map<String, String> replayed = replay(committed);
    for (Map.Entry<Long, Map<String, String>> node : finalStates.entrySet()) {
      if (!node.getValue().equals(replayed)) {
        return Finding.violation(NAME, "node " + node.getKey() + " ended with "
            + node.getValue() + ", but the committed history gives " + replayed);
      }
    }
    return Finding.ok(NAME);
  }

  static Map<String, String> replay(SortedMap<Long, List<KvEvent>> committed) {
    Map<String, String> state = new java.util.TreeMap<>();
    for (List<KvEvent> events : committed.values()) {
      for (KvEvent e : events) {
        if (e.type() == KvEvent.Type.PUT) {
          state.put(e.key(), e.value());
        } else {
          state.remove(e.key());
        }
      }
    }
    return state;
  }

  private static String describe(Acked a) {
    return a.value() == null ? "delete " + a.key() : "put " + a.key() + "=" + a.value();
  }
}
