package io.katd.jepsen.check;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Watch guarantees against the committed history (etcd's: ordered, unique, reliable, atomic,
 * resumable). For every stream: revisions come in strictly increasing order (ordered and
 * unique); each revision is delivered whole, with exactly the committed events of that
 * revision that match the watched prefix, no more and no fewer (atomic, and each event equal
 * to the committed one; events within one revision are compared in key order, since a
 * committed history rebuilt from state differences does not know the order of a
 * transaction's operations);
 * and no committed revision with a matching event between the start revision and
 * {@code caughtUpTo} is missing (reliable: no gaps, also across reconnections, which is what
 * makes a stream resumable).
 */
public final class WatchChecker {
  public static final String NAME = "watch";

  private WatchChecker() {}

  /**
   * @param committed the events of every committed revision, by revision; a revision with no
   *     events may be absent
   */
  public static Finding check(SortedMap<Long, List<KvEvent>> committed,
      List<WatchStream> streams) {
    for (WatchStream stream : streams) {
      String problem = checkStream(committed, stream);
      if (problem != null) {
        return Finding.violation(NAME, "stream " + stream.name() + " on prefix "
            + stream.prefix() + " from revision " + stream.startRevision() + ": " + problem);
      }
    }
    return Finding.ok(NAME);
  }

  private static String checkStream(SortedMap<Long, List<KvEvent>> committed,
      WatchStream stream) {
    long expectedFrom = stream.startRevision();
    for (WatchStream.Delivery d : stream.deliveries()) {
      if (d.revision() < expectedFrom) {
        return "revision " + d.revision() + " delivered after revision " + (expectedFrom - 1)
            + " had been (out of order or repeated)";
      }
      String gap = firstMatching(committed, stream, expectedFrom, d.revision() - 1);
      if (gap != null) {
        return "missed " + gap + " before revision " + d.revision();
      }
      List<KvEvent> want = byKey(matching(committed.getOrDefault(d.revision(), List.of()),
          stream));
      if (!want.equals(byKey(d.events()))) {
        return "revision " + d.revision() + " delivered " + d.events()
            + " but the committed history has " + want;
      }
      expectedFrom = d.revision() + 1;
    }
    String tail = firstMatching(committed, stream, expectedFrom, stream.caughtUpTo());
    return tail == null ? null : "missed " + tail + " (the stream was caught up to revision "
        + stream.caughtUpTo() + ")";
  }

  private static String firstMatching(SortedMap<Long, List<KvEvent>> committed,
      WatchStream stream, long from, long to) {
    if (from > to) {
      return null;
    }
    for (Map.Entry<Long, List<KvEvent>> e : committed.subMap(from, to + 1).entrySet()) {
      List<KvEvent> m = matching(e.getValue(), stream);
      if (!m.isEmpty()) {
        return "revision " + e.getKey() + " " + m;
      }
    }
    return null;
  }

  private static List<KvEvent> byKey(List<KvEvent> events) {
    return events.stream().sorted(java.util.Comparator.comparing(KvEvent::key)).toList();
  }

  private static List<KvEvent> matching(List<KvEvent> events, WatchStream stream) {
    return events.stream().filter(e -> stream.matches(e.key())).toList();
  }
}
