package io.katd.raft;

/**
 * Reaches raft-core's package-private canaries (VERIFY.md, section 4, items 4 and 5) from the
 * simulation's tests; production code has no way to them.
 */
public final class RaftCanaries {
  private RaftCanaries() {}

  public static void commitPreviousTermByCounting(RawNode node) {
    node.plantCanary(Canary.COMMIT_PREVIOUS_TERM_BY_COUNTING);
  }

  public static void truncateMatchingEntries(RawNode node) {
    node.plantCanary(Canary.TRUNCATE_MATCHING_ENTRIES);
  }
}
