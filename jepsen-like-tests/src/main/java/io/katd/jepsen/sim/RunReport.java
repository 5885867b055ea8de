package io.katd.jepsen.sim;

import io.katd.jepsen.check.Event;
import io.katd.jepsen.check.Json;
import io.katd.jepsen.report.ReportWriter;
import io.katd.jepsen.report.RunRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes one simulation run's report directory through {@link ReportWriter}:
 * {@code summary.json}, {@code summary.md}, {@code history.jsonl}, {@code timeline.html},
 * and {@code scenario.json} (what the replay reads).
 */
public final class RunReport {
  private RunReport() {}

  public static void write(RunResult r, Path dir) throws IOException {
    ReportWriter.write(record(r), dir);
    write(dir.resolve("scenario.json"), r.scenario().toJson() + "\n");
  }

  static void write(Path file, String text) throws IOException {
    ReportWriter.write(file, text);
  }

  /** Counts of completed operations by outcome: ok, fail, unknown. */
  static Map<String, Object> opCounts(List<Event> history) {
    return ReportWriter.opCounts(history);
  }

  /** The run as the shared report code shows it. */
  static RunRecord record(RunResult r) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("scenario", Json.parse(r.scenario().toJson()));
    Map<String, Long> coverage = new LinkedHashMap<>();
    r.coverage().asMap().forEach((k, v) -> coverage.put(k.name(), v));
    Map<String, Object> trailer = new LinkedHashMap<>();
    trailer.put("traceHash", Long.toHexString(r.traceHash()));
    trailer.put("simulatedMillis", r.phases().endMicros() / 1000);
    RunResult.Phases p = r.phases();
    return new RunRecord("Simulation run", "katd simulation seed " + r.scenario().seed(),
        r.scenario().seed(), r.valid() ? "valid" : "invalid", r.replayCommand(), details,
        List.of("Scenario: `" + r.scenario().toJson() + "`"), r.findings(), coverage,
        trailer, r.history(), new RunRecord.Phases(p.workloadStartMicros(),
            p.faultsStartMicros(), p.faultsEndMicros(), p.healedMicros(), p.endMicros()),
        rows(r));
  }

  private static RunRecord.TimelineRows rows(RunResult r) {
    Recorder rec = r.recorder();
    List<String> nodes = new ArrayList<>();
    // Members added during the run get rows after the founders'.
    int last = r.scenario().nodes();
    for (Recorder.Band b : rec.bands) {
      if (!b.nodes().equals("*")) {
        for (String id : b.nodes().split(",")) {
          last = Math.max(last, Integer.parseInt(id));
        }
      }
    }
    for (int n = 1; n <= last; n++) {
      nodes.add("node " + n);
    }
    Map<Integer, String> clients = new TreeMap<>();
    List<RunRecord.Span> spans = new ArrayList<>();
    for (Recorder.Op o : rec.ops) {
      clients.put(o.client(), o.client() == 999 ? "final" : "client " + o.client());
      spans.add(new RunRecord.Span(o.client(), o.f(), o.key(), o.argument(),
          o.invokeMicros(), o.completeMicros(), o.outcome(), Long.toString(o.node()),
          o.result()));
    }
    List<RunRecord.Band> bands = new ArrayList<>();
    for (Recorder.Band b : rec.bands) {
      List<Integer> rowsOf = b.nodes().equals("*") ? List.of(0) : Arrays.stream(
          b.nodes().split(",")).map(Integer::parseInt).toList();
      bands.add(new RunRecord.Band(b.kind(), rowsOf, b.startMicros(), b.endMicros()));
    }
    List<RunRecord.LeaderMark> leaders = rec.leaders.stream().map(l -> new RunRecord
        .LeaderMark(l.atMicros(), (int) l.node(), l.term())).toList();
    RunRecord.BadOp bad = r.badOp() == null ? null : new RunRecord.BadOp(
        r.badOp().client() % Client.SECOND_KEY_PROCESS_OFFSET, r.badOp().invokeMicros());
    return new RunRecord.TimelineRows(nodes, clients, spans, bands, leaders, rec.notes, bad);
  }
}
