package io.katd.jepsen.check;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Leadership fencing: at most one node is leader in a term (from the leadership claims
 * clients were given and from the fenced writes that took effect), and a fenced write that
 * took effect never carries an older term than one that took effect before it in the log,
 * so a deposed leader's write never lands after its successor's.
 */
public final class FencingChecker {
  public static final String NAME = "fencing";

  /** A node told a client it leads in {@code term} (its fencing token). */
  public record Claim(long node, long term) {}

  /**
   * A fenced write as applied, in log order.
   *
   * @param index its log index
   * @param fenceTerm the token it carried
   * @param node the node whose leadership issued it
   * @param accepted whether it took effect
   */
  public record Applied(long index, long fenceTerm, long node, boolean accepted) {}

  private FencingChecker() {}

  public static Finding check(List<Claim> claims, List<Applied> applied) {
    Map<Long, Long> leaderOf = new HashMap<>();
    for (Claim c : claims) {
      Long other = leaderOf.putIfAbsent(c.term(), c.node());
      if (other != null && other != c.node()) {
        return Finding.violation(NAME, "nodes " + other + " and " + c.node()
            + " both claimed leadership in term " + c.term());
      }
    }
    long highest = 0;
    long highestIndex = 0;
    for (Applied a : applied) {
      if (!a.accepted()) {
        continue;
      }
      Long leader = leaderOf.putIfAbsent(a.fenceTerm(), a.node());
      if (leader != null && leader != a.node()) {
        return Finding.violation(NAME, "a write fenced by node " + a.node() + " in term "
            + a.fenceTerm() + " took effect at index " + a.index() + ", but node " + leader
            + " led that term");
      }
      if (a.fenceTerm() < highest) {
        return Finding.violation(NAME, "a write fenced in term " + a.fenceTerm()
            + " took effect at index " + a.index() + ", after one fenced in term " + highest
            + " at index " + highestIndex);
      }
      highest = a.fenceTerm();
      highestIndex = a.index();
    }
    return Finding.ok(NAME);
  }
}
