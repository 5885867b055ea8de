package io.katd.jepsen.report;

import io.katd.jepsen.check.Event;
import io.katd.jepsen.check.Finding;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a report shows of one run, whatever ran it (the simulation or real processes).
 * Times are microseconds from the start of the run, on the run's own clock.
 *
 * @param heading names the kind of run in summary.md, e.g. "Simulation run"
 * @param pageTitle the title of timeline.html
 * @param seed the seed the run was drawn from
 * @param verdict "valid", "invalid" or "unknown"
 * @param replayCommand how to run it again
 * @param details run-specific summary fields, shown after the replay command (JSON values)
 * @param detailLines run-specific Markdown paragraphs, shown after the replay command
 * @param findings every checker's verdict
 * @param coverage counters of what the run reached
 * @param trailer run-specific summary fields shown last
 * @param history the client history
 * @param phases when the workload, the faults and the heal happened
 * @param timeline the rows of timeline.html
 */
public record RunRecord(String heading, String pageTitle, long seed, String verdict,
    String replayCommand, Map<String, Object> details, List<String> detailLines,
    List<Finding> findings, Map<String, Long> coverage, Map<String, Object> trailer,
    List<Event> history, Phases phases, TimelineRows timeline) {

  public RunRecord {
    Objects.requireNonNull(verdict, "verdict");
    if (!List.of("valid", "invalid", "unknown").contains(verdict)) {
      throw new IllegalArgumentException("verdict must be valid, invalid or unknown: "
          + verdict);
    }
  }

  public boolean valid() {
    return verdict.equals("valid");
  }

  /**
   * When the workload began, when the faults began and ended, when the cluster was healed,
   * and the end.
   */
  public record Phases(long workloadStartMicros, long faultsStartMicros, long faultsEndMicros,
      long healedMicros, long endMicros) {}

  /**
   * The rows of the timeline: the network on row 0, one row per node (row i + 1 for
   * {@code nodeLabels[i]}), then one row per client.
   *
   * @param clientLabels the label of each client's row, by client (process) id
   * @param badOp the operation a checker could not place, or null
   */
  public record TimelineRows(List<String> nodeLabels, Map<Integer, String> clientLabels,
      List<Span> ops, List<Band> bands, List<LeaderMark> leaders, List<String> notes,
      BadOp badOp) {}

  /** One client operation from invocation to completion; outcome is ok, fail or info. */
  public record Span(int client, String f, String key, String argument, long invokeMicros,
      long completeMicros, String outcome, String node, String result) {}

  /** A fault in effect between two times on the given rows (0 is the network). */
  public record Band(String kind, List<Integer> rows, long startMicros, long endMicros) {}

  /** A node became leader of a term. */
  public record LeaderMark(long atMicros, int row, long term) {}

  /** The operation a checker could not place: its client's row and invocation time. */
  public record BadOp(int client, long invokeMicros) {}
}
