package io.katd.jepsen.check;

import java.util.List;

/**
 * What the search learned about a history that is not linearizable, taken at the deepest
 * point it reached: a longest order of operations that is consistent with the model and the
 * real-time order, and the operation that had to come next but could not.
 *
 * @param partition the independent part (e.g. the key) that failed, empty if not split
 * @param linearizedPrefix the operations in the order they were linearized
 * @param stuck an operation that completed before every remaining candidate could be placed;
 *     nothing consistent could be linearized in front of it
 * @param stateAfterPrefix the model state after the prefix
 */
public record Violation(String partition, List<Operation> linearizedPrefix, Operation stuck,
    String stateAfterPrefix) {

  public Violation {
    linearizedPrefix = List.copyOf(linearizedPrefix);
  }

  /** A short human-readable explanation. */
  public String describe() {
    String where = partition.isEmpty() ? "" : "key " + partition + ": ";
    return where + "linearized " + linearizedPrefix.size() + " operations, reaching state "
        + stateAfterPrefix + ", but could not linearize " + stuck;
  }
}
