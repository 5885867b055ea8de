package io.katd.jepsen.check;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Checks a history against a sequential model: is there a total order of the operations that
 * respects real time (an operation that completed before another was invoked comes first)
 * and that the model accepts with the recorded results?
 *
 * <p>Failed operations did not happen and are dropped, and so are unknown-outcome reads,
 * which observed nothing. Unknown-outcome updates may take effect at any point after their
 * invocation, or never. When the model allows it, the history is split into independent
 * parts, which are searched in turns; the first part found not linearizable decides, and the
 * history is linearizable when every part is.
 *
 * <pre>{@code
 * History history = JepsenLogParser.parse(path);
 * CheckResult result = LinearizabilityChecker.check(history, new RegisterModel(),
 *     Budget.ofTime(Duration.ofSeconds(30), System::nanoTime));
 * }</pre>
 */
public final class LinearizabilityChecker {
  private static final long FIRST_SLICE_STEPS = 1 << 10;
  // Capped so that every part gets a turn at least about once a second.
  private static final long MAX_SLICE_STEPS = 1 << 22;

  private LinearizabilityChecker() {}

  /** Checks every operation of {@code history}. */
  public static <S> CheckResult check(History history, Model<S> model, Budget budget) {
    return check(history.operations(), model, budget);
  }

  /**
   * Checks {@code operations} (in invocation order, positions from one history).
   *
   * @throws IllegalArgumentException if the model cannot interpret an operation
   */
  public static <S> CheckResult check(List<Operation> operations, Model<S> model,
      Budget budget) {
    List<Operation> relevant = relevant(operations, model);
    List<Model.Partition> parts = model.partition(relevant);
    Budget.Meter meter = budget.start();
    List<WglSearch<S>> running = new ArrayList<>();
    for (Model.Partition part : parts) {
      running.add(new WglSearch<>(model, part, meter));
    }
    // Round robin with doubling slices, so that one hard part cannot hide a violation that
    // another part shows in a few steps: a part that needs n steps is done before any other
    // part has spent much more than 2n. Deterministic, unlike racing the parts on threads.
    for (long slice = FIRST_SLICE_STEPS; !running.isEmpty(); slice = Math.min(slice * 2,
        MAX_SLICE_STEPS)) {
      for (Iterator<WglSearch<S>> it = running.iterator(); it.hasNext(); ) {
        WglSearch.PartResult result = it.next().advance(slice);
        if (result == null) {
          continue;
        }
        switch (result.verdict()) {
          case LINEARIZABLE -> it.remove();
          case NOT_LINEARIZABLE -> {
            return new CheckResult(Verdict.NOT_LINEARIZABLE, model.name(), relevant.size(),
                parts.size(), meter.steps(), Optional.of(result.violation()), "");
          }
          case UNKNOWN -> {
            return new CheckResult(Verdict.UNKNOWN, model.name(), relevant.size(),
                parts.size(), meter.steps(), Optional.empty(), meter.exhausted());
          }
        }
      }
    }
    return new CheckResult(Verdict.LINEARIZABLE, model.name(), relevant.size(), parts.size(),
        meter.steps(), Optional.empty(), "");
  }

  private static List<Operation> relevant(List<Operation> operations, Model<?> model) {
    List<Operation> kept = new ArrayList<>();
    for (Operation op : operations) {
      model.validate(op);
      boolean observedNothing = op.outcome() == Outcome.UNKNOWN && model.isReadOnly(op);
      if (op.outcome() != Outcome.FAIL && !observedNothing) {
        kept.add(op);
      }
    }
    return kept;
  }
}
