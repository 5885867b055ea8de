package io.katd.jepsen.check;

import java.util.List;

/**
 * A sequential specification: what a single copy of the object would do.
 *
 * <p>States must be immutable, non-null and have value semantics ({@code equals} and
 * {@code hashCode}), because the search memoises them.
 *
 * @param <S> the state type
 */
public interface Model<S> {

  /** A short name for reports. */
  String name();

  /** The state before any operation. */
  S initialState();

  /**
   * Rejects an operation the model cannot interpret (unknown function, malformed argument),
   * before the search starts.
   *
   * @throws IllegalArgumentException naming the operation
   */
  void validate(Operation op);

  /**
   * Applies {@code op} to {@code state}.
   *
   * <p>For an {@link Outcome#OK} operation the recorded result must match what the object
   * would return. For an {@link Outcome#UNKNOWN} one nothing was observed, so only its effect
   * matters; returning null where it would be a no-op is fine, because "never happened" is
   * always an option for it.
   *
   * @return the next state, or null if the operation cannot take effect here
   */
  S step(S state, Operation op);

  /**
   * Whether {@code op} never changes the state. An unknown-outcome read-only operation
   * observed nothing and changed nothing, so the checker drops it.
   */
  boolean isReadOnly(Operation op);

  /**
   * Splits operations into independent sub-histories that can be checked one by one
   * (P-compositionality: the whole is linearizable iff every part is). The default is a
   * single part. Each part keeps the operations' relative order.
   */
  default List<Partition> partition(List<Operation> ops) {
    return List.of(new Partition("", ops));
  }

  /** Shows a state in reports. */
  default String describe(S state) {
    return String.valueOf(state);
  }

  /**
   * One independent part of a history.
   *
   * @param name what the part covers, e.g. the key; empty when the history is not split
   * @param operations the operations of the part, in invocation order
   */
  record Partition(String name, List<Operation> operations) {
    public Partition {
      operations = List.copyOf(operations);
    }
  }
}
