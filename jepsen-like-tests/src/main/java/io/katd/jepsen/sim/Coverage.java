package io.katd.jepsen.sim;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counters of what a run exercised (VERIFY.md, section 5). A campaign that never reaches one
 * of the {@link Counter#required} counters tested less than it claims and fails.
 */
public final class Coverage {
  /** What is counted; {@code required} ones must be reached by every CI campaign. */
  public enum Counter {
    ELECTIONS(true),
    LEADER_CHANGES(true),
    PARTITIONS_HEALED(true),
    CRASHES(true),
    CRASHES_LOSING_UNSYNCED_WRITES(true),
    TORN_WRITES(true),
    FSYNC_STOPS(true),
    CORRUPTIONS_DETECTED(true),
    DISK_FULL_STOPS(true),
    WIPED_DIRS_DETECTED(true),
    DIRECTORY_CHANGES_LOST(true),
    PAUSES(true),
    /** Syncs that kept a node with a slow disk blocked. */
    SLOW_SYNCS(true),
    CLOCK_JUMPS(true),
    UNCOMMITTED_TRUNCATIONS(true),
    SNAPSHOTS_INSTALLED(true),
    LOG_COMPACTIONS(true),
    KV_COMPACTIONS(true),
    LEASE_EXPIRIES(true),
    WATCH_RESUMES(true),
    WATCH_CANCELLATIONS_COMPACTED(true),
    WATCH_RESUMES_AFTER_COMPACTION(true),
    UNKNOWN_OUTCOMES(true),
    UNKNOWN_OUTCOMES_RESOLVED(true),
    FENCED_REJECTIONS(true),
    MESSAGES_DROPPED(true),
    MESSAGES_DUPLICATED(true),
    /** Membership changes committed and applied (counted once per change). */
    MEMBERSHIP_CHANGES(true),
    /** ... of which applied while a partition was in effect. */
    MEMBERSHIP_CHANGES_DURING_PARTITION(true),
    LEARNER_PROMOTIONS(true),
    /** Removals of the member that was leader when its removal was applied. */
    LEADER_REMOVALS(true),
    /** Snapshots installed on members added during the run (their disks started blank). */
    SNAPSHOTS_TO_NEW_MEMBERS(true);

    final boolean required;

    Counter(boolean required) {
      this.required = required;
    }
  }

  private final EnumMap<Counter, Long> counts = new EnumMap<>(Counter.class);

  public Coverage() {
    for (Counter c : Counter.values()) {
      counts.put(c, 0L);
    }
  }

  void add(Counter c) {
    counts.merge(c, 1L, Long::sum);
  }

  public long get(Counter c) {
    return counts.get(c);
  }

  public void addAll(Coverage other) {
    other.counts.forEach((c, n) -> counts.merge(c, n, Long::sum));
  }

  public Map<Counter, Long> asMap() {
    return new EnumMap<>(counts);
  }

  /** The required counters this coverage never reached. */
  public java.util.List<Counter> unreached() {
    return counts.entrySet().stream().filter(e -> e.getKey().required && e.getValue() == 0)
        .map(Map.Entry::getKey).toList();
  }
}
