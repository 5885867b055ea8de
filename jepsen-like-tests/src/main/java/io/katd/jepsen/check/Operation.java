package io.katd.jepsen.check;

import java.util.Objects;

/**
 * An invocation paired with its completion.
 *
 * @param id dense index of the operation in its history, in invocation order
 * @param outcome how the operation ended
 * @param invocation the invoke event (its value is the argument)
 * @param completion the completion event, or null if the history ended first
 * @param invokeIndex position of the invocation in the history's event list
 * @param completeIndex position of the completion, or {@link #NEVER} when there is none
 */
public record Operation(int id, Outcome outcome, Event invocation, Event completion,
    int invokeIndex, int completeIndex) {

  /** The completion position of an operation that never completed. */
  public static final int NEVER = -1;

  public Operation {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(invocation, "invocation");
    if ((completion == null) != (completeIndex == NEVER)) {
      throw new IllegalArgumentException("completion and completeIndex disagree");
    }
    if (completion == null && outcome != Outcome.UNKNOWN) {
      throw new IllegalArgumentException("an operation without completion is UNKNOWN");
    }
    if (completion != null && completeIndex <= invokeIndex) {
      throw new IllegalArgumentException("completion must come after the invocation");
    }
  }

  public int process() {
    return invocation.process();
  }

  public String f() {
    return invocation.f();
  }

  public String key() {
    return invocation.key();
  }

  /** The argument, taken from the invocation. */
  public Object value() {
    return invocation.value();
  }

  /** The observed result for {@link Outcome#OK}, otherwise null (nothing was observed). */
  public Object result() {
    return outcome == Outcome.OK ? completion.value() : null;
  }

  @Override
  public String toString() {
    String shown = outcome == Outcome.OK ? " -> " + Values.show(result()) : "";
    String keyPart = key() == null ? "" : " " + key();
    return "#" + id + " p" + process() + " " + f() + keyPart + " " + Values.show(value())
        + shown + " [" + outcome + "]";
  }
}
