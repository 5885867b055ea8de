package io.katd.jepsen.check;

import java.util.List;
import java.util.Objects;

/**
 * What one client saw of one logical watch: the key prefix it watched, the revision it
 * started from, and every events response in the order received, across reconnections (a
 * client that reconnects resumes from the revision after the last one it received, so one
 * logical stream spans several server-side watches).
 *
 * @param name names the stream in reports
 * @param prefix the watched key prefix
 * @param startRevision the first revision the stream asked for (at least 1)
 * @param deliveries the events responses, in the order the client got them
 * @param caughtUpTo the revision up to which the stream must hold every matching event: the
 *     final revision for a stream still open once the cluster has settled, otherwise the
 *     revision of its last delivery
 */
public record WatchStream(String name, String prefix, long startRevision,
    List<Delivery> deliveries, long caughtUpTo) {

  /** The events of one revision, as received (a response may carry several revisions). */
  public record Delivery(long revision, List<KvEvent> events) {
    public Delivery {
      events = List.copyOf(events);
    }
  }

  public WatchStream {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(prefix, "prefix");
    deliveries = List.copyOf(deliveries);
    if (startRevision < 1) {
      throw new IllegalArgumentException("start revision must be >= 1, got " + startRevision);
    }
  }

  boolean matches(String key) {
    return key.startsWith(prefix);
  }
}
