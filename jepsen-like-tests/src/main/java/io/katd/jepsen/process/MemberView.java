package io.katd.jepsen.process;

import io.katd.jepsen.check.KvEvent;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one member holds once the run has settled, read from that member alone: the
 * committed history of the workload's keys as its watch replays it, and its final
 * key-values. A history that does not start at revision 1 (the member compacted below it)
 * starts at {@code historyFrom}; a history that stopped short is not {@code complete}.
 *
 * @param index the member's index in the run
 * @param member the member's name
 * @param historyFrom the first revision the history covers (1, or the compaction point)
 * @param historyTo the last revision the member's watch delivered up to, inclusive
 * @param history the events of each revision from {@code historyFrom}
 * @param finalState the member's key-values on the workload's keys, or null when it did not
 *     answer
 */
record MemberView(int index, String member, long historyFrom, long historyTo,
    SortedMap<Long, List<KvEvent>> history, Map<String, String> finalState) {

  MemberView {
    Objects.requireNonNull(member, "member");
    if (historyFrom < 1) {
      throw new IllegalArgumentException("a history starts at revision 1 or later, got "
          + historyFrom + " for " + member);
    }
    history = new TreeMap<>(history);
    finalState = finalState == null ? null : Map.copyOf(finalState);
  }

  /** Whether the history reaches {@code revision}. */
  boolean reaches(long revision) {
    return historyTo >= revision;
  }
}
