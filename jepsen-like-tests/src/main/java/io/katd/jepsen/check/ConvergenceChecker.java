package io.katd.jepsen.check;

import java.util.Map;

/**
 * After the faults heal and the cluster settles, every running node has applied the same
 * index and holds the same state (same revision, same state hash).
 */
public final class ConvergenceChecker {
  public static final String NAME = "convergence";

  /** What one node reports once the cluster has settled. */
  public record NodeState(long appliedIndex, long revision, long stateHash) {}

  private ConvergenceChecker() {}

  public static Finding check(Map<Long, NodeState> nodes) {
    if (nodes.isEmpty()) {
      return Finding.violation(NAME, "no node was running at the end");
    }
    Map.Entry<Long, NodeState> first = nodes.entrySet().iterator().next();
    for (Map.Entry<Long, NodeState> e : nodes.entrySet()) {
      if (!e.getValue().equals(first.getValue())) {
        return Finding.violation(NAME, "node " + first.getKey() + " ended at "
            + first.getValue() + " but node " + e.getKey() + " at " + e.getValue());
      }
    }
    return Finding.ok(NAME);
  }
}
