package io.katd.jepsen.process;

import io.katd.jepsen.check.Finding;
import io.katd.jepsen.check.KvEvent;
import io.katd.jepsen.check.LostWriteChecker;
import io.katd.jepsen.check.WatchChecker;
import io.katd.jepsen.check.WatchStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The end-of-run checks that read the outcome from every member, not from one: a write
 * acknowledged to a client may be missing from one member only (a follower that truncated
 * its log wrongly, a member that installed a stale snapshot), and a check against the first
 * member alone would never see it. Each member's own history and final state must hold
 * every acknowledged write, the members' histories must agree revision by revision, and the
 * client's watch must match every member's history.
 */
final class MemberChecks {
  static final String HISTORIES = "member-histories";

  private MemberChecks() {}

  /**
   * @param acked the writes acknowledged to clients
   * @param views every live member's view, read after the run settled
   * @param finalRevision the revision of the final write, which every history must reach
   * @param streams the clients' watch streams
   */
  static List<Finding> check(List<LostWriteChecker.Acked> acked, List<MemberView> views,
      long finalRevision, List<WatchStream> streams) {
    List<Finding> out = new ArrayList<>();
    out.add(lostWrites(acked, views, finalRevision));
    out.add(agreement(views, finalRevision));
    out.add(watches(views, streams));
    return out;
  }

  private static Finding lostWrites(List<LostWriteChecker.Acked> acked, List<MemberView> views,
      long finalRevision) {
    if (views.isEmpty()) {
      return Finding.violation(LostWriteChecker.NAME, "no member gave its history");
    }
    for (MemberView v : views) {
      if (!v.reaches(finalRevision)) {
        return Finding.violation(LostWriteChecker.NAME, "member " + v.member()
            + "'s history stops at revision " + v.historyTo() + ", before the final write at "
            + finalRevision);
      }
      if (v.finalState() == null) {
        return Finding.violation(LostWriteChecker.NAME, "member " + v.member()
            + " gave no final state");
      }
      // Below a compaction point the history cannot show a write, and a replay of it is not
      // the whole state: only the writes it covers are checked, and the final state is
      // compared with the other members' by the state hash instead.
      List<LostWriteChecker.Acked> covered = acked.stream()
          .filter(a -> a.revision() >= v.historyFrom()).toList();
      Map<Long, Map<String, String>> state = v.historyFrom() == 1
          ? Map.of((long) v.index(), v.finalState()) : Map.of();
      Finding f = LostWriteChecker.check(covered, v.history(), state);
      if (!f.valid()) {
        return Finding.violation(LostWriteChecker.NAME, "on member " + v.member() + ": "
            + f.detail());
      }
    }
    return Finding.ok(LostWriteChecker.NAME);
  }

  /** Every member's history equals the others' on the revisions all of them cover. */
  private static Finding agreement(List<MemberView> views, long finalRevision) {
    if (views.isEmpty()) {
      return Finding.violation(HISTORIES, "no member gave its history");
    }
    long from = views.stream().mapToLong(MemberView::historyFrom).max().orElseThrow();
    MemberView first = views.get(0);
    SortedMap<Long, List<KvEvent>> reference = first.history().subMap(from, finalRevision + 1);
    for (MemberView v : views.subList(1, views.size())) {
      SortedMap<Long, List<KvEvent>> other = v.history().subMap(from, finalRevision + 1);
      if (!other.equals(reference)) {
        return Finding.violation(HISTORIES, "members " + first.member() + " and " + v.member()
            + " disagree: " + firstDifference(reference, other));
      }
    }
    return Finding.ok(HISTORIES);
  }

  private static String firstDifference(SortedMap<Long, List<KvEvent>> a,
      SortedMap<Long, List<KvEvent>> b) {
    java.util.SortedSet<Long> revisions = new java.util.TreeSet<>(a.keySet());
    revisions.addAll(b.keySet());
    for (long r : revisions) {
      List<KvEvent> x = a.getOrDefault(r, List.of());
      List<KvEvent> y = b.getOrDefault(r, List.of());
      if (!x.equals(y)) {
        return "at revision " + r + " " + x + " against " + y;
      }
    }
    return "nowhere";
  }

  /** The clients' watch streams against each member's history that starts at revision 1. */
  private static Finding watches(List<MemberView> views, List<WatchStream> streams) {
    for (MemberView v : views) {
      if (v.historyFrom() != 1) {
        continue;
      }
      Finding f = WatchChecker.check(v.history(), streams);
      if (!f.valid()) {
        return Finding.violation(WatchChecker.NAME, "against member " + v.member()
            + "'s history: " + f.detail());
      }
    }
    return Finding.ok(WatchChecker.NAME);
  }
}
