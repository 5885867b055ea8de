package io.katd.jepsen.sim;

import io.katd.jepsen.check.Event;
import io.katd.jepsen.check.EventType;
import io.katd.jepsen.check.Finding;
import io.katd.jepsen.check.Json;
import io.katd.jepsen.check.JsonlHistory;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one run's report directory: {@code summary.json}, {@code summary.md},
 * {@code history.jsonl} (the JsonlHistory format), {@code timeline.html} (self-contained)
 * and {@code scenario.json} (what the replay reads).
 */
public final class RunReport {
  private RunReport() {}

  public static void write(RunResult r, Path dir) throws IOException {
    Files.createDirectories(dir);
    write(dir.resolve("scenario.json"), r.scenario().toJson() + "\n");
    write(dir.resolve("summary.json"), summaryJson(r) + "\n");
    write(dir.resolve("summary.md"), summaryMarkdown(r));
    StringWriter history = new StringWriter();
    JsonlHistory.write(r.history(), history);
    write(dir.resolve("history.jsonl"), history.toString());
    write(dir.resolve("timeline.html"), Timeline.html(r));
  }

  static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /** Counts of completed operations by outcome: ok, fail, unknown. */
  static Map<String, Object> opCounts(List<Event> history) {
    long ok = 0;
    long fail = 0;
    long unknown = 0;
    for (Event e : history) {
      if (e.type() == EventType.OK) {
        ok++;
      } else if (e.type() == EventType.FAIL) {
        fail++;
      } else if (e.type() == EventType.INFO) {
        unknown++;
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", ok);
    m.put("fail", fail);
    m.put("unknown", unknown);
    return m;
  }

  /** Successful operations per simulated second in [from, to). */
  static double throughput(List<Event> history, long fromMicros, long toMicros) {
    if (toMicros <= fromMicros) {
      return 0;
    }
    long n = history.stream().filter(e -> e.type() == EventType.OK
        && e.timeNanos() / 1000 >= fromMicros && e.timeNanos() / 1000 < toMicros).count();
    return Math.round(n * 1e7 / (toMicros - fromMicros)) / 10.0;
  }

  static Map<String, Object> summary(RunResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seed", r.scenario().seed());
    m.put("verdict", r.valid() ? "valid" : "invalid");
    m.put("replay", r.replayCommand());
    m.put("scenario", Json.parse(r.scenario().toJson()));
    m.put("ops", opCounts(r.history()));
    RunResult.Phases p = r.phases();
    Map<String, Object> tp = new LinkedHashMap<>();
    tp.put("beforeFaults", throughput(r.history(), p.workloadStartMicros(),
        p.faultsStartMicros()));
    tp.put("duringFaults", throughput(r.history(), p.faultsStartMicros(),
        p.faultsEndMicros()));
    tp.put("afterHeal", throughput(r.history(), p.healedMicros(), p.endMicros()));
    m.put("throughputOpsPerSecond", tp);
    Map<String, Object> checkers = new LinkedHashMap<>();
    for (Finding f : r.findings()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("valid", f.valid());
      c.put("detail", f.detail());
      checkers.put(f.checker(), c);
    }
    m.put("checkers", checkers);
    Map<String, Object> cov = new LinkedHashMap<>();
    r.coverage().asMap().forEach((k, v) -> cov.put(k.name(), v));
    m.put("coverage", cov);
    m.put("traceHash", Long.toHexString(r.traceHash()));
    m.put("simulatedMillis", p.endMicros() / 1000);
    return m;
  }

  static String summaryJson(RunResult r) {
    StringBuilder out = new StringBuilder();
    Json.write(summary(r), out);
    return out.toString();
  }

  static String summaryMarkdown(RunResult r) {
    StringBuilder md = new StringBuilder();
    md.append("# Simulation run, seed ").append(r.scenario().seed()).append(": ")
        .append(r.valid() ? "valid" : "INVALID").append("\n\n");
    md.append("Replay: `").append(r.replayCommand()).append("`\n\n");
    md.append("Scenario: `").append(r.scenario().toJson()).append("`\n\n");
    md.append("Operations: ").append(opCounts(r.history())).append("\n\n");
    md.append("| checker | verdict | detail |\n|---|---|---|\n");
    for (Finding f : r.findings()) {
      md.append("| ").append(f.checker()).append(" | ").append(f.valid() ? "ok" : "VIOLATED")
          .append(" | ").append(f.detail().replace("|", "\\|")).append(" |\n");
    }
    md.append("\n| coverage counter | count |\n|---|---|\n");
    r.coverage().asMap().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v)
        .append(" |\n"));
    return md.toString();
  }
}
