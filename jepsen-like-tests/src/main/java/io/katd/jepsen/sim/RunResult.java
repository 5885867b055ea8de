package io.katd.jepsen.sim;

import io.katd.jepsen.check.Event;
import io.katd.jepsen.check.Finding;
import java.util.List;

/**
 * What one run gave: its scenario, every checker's verdict, the coverage counters, the
 * recorded history and the trace hash (equal for two runs of the same scenario).
 */
public record RunResult(Scenario scenario, List<Finding> findings, Coverage coverage,
    long traceHash, List<Event> history, Recorder recorder, Phases phases, BadOp badOp) {

  /**
   * When the workload began, when the faults began and ended, when the cluster was healed,
   * and the end, in simulated microseconds.
   */
  public record Phases(long workloadStartMicros, long faultsStartMicros, long faultsEndMicros,
      long healedMicros, long endMicros) {}

  /** The operation a checker could not place (client and invocation time); null if none. */
  public record BadOp(int client, long invokeMicros) {}

  public boolean valid() {
    return findings.stream().allMatch(Finding::valid);
  }

  /** The first violation, or null. */
  public Finding firstViolation() {
    return findings.stream().filter(f -> !f.valid()).findFirst().orElse(null);
  }

  public String replayCommand() {
    return "bin/jepsen simulate --seed " + scenario.seed() + " --nodes " + scenario.nodes()
        + " --ops " + scenario.ops() + "   (or: bin/jepsen simulate --scenario <file> with "
        + "the saved scenario.json)";
  }

  @Override
  public String toString() {
    return "seed " + scenario.seed() + ": " + (valid() ? "valid" : firstViolation().toString());
  }
}
