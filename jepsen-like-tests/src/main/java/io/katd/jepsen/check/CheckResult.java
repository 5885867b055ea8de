package io.katd.jepsen.check;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a linearizability check.
 *
 * @param verdict the answer
 * @param model the model's name
 * @param operations the operations that took part (failed ones and unknown reads excluded)
 * @param partitions the number of independent parts the history was split into
 * @param steps search steps spent over all parts
 * @param violation for {@link Verdict#NOT_LINEARIZABLE}, where it went wrong
 * @param reason for {@link Verdict#UNKNOWN}, why the search gave up; empty otherwise
 */
public record CheckResult(Verdict verdict, String model, int operations, int partitions,
    long steps, Optional<Violation> violation, String reason) {

  public CheckResult {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(violation, "violation");
    Objects.requireNonNull(reason, "reason");
  }

  public boolean isLinearizable() {
    return verdict == Verdict.LINEARIZABLE;
  }

  /** One line for logs and summaries. */
  public String describe() {
    String head = verdict + " (" + model + ", " + operations + " operations, " + partitions
        + " parts, " + steps + " steps)";
    if (violation.isPresent()) {
      return head + ": " + violation.get().describe();
    }
    return reason.isEmpty() ? head : head + ": " + reason;
  }
}
