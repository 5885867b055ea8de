package io.katd.jepsen.report;

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
 * {@code history.jsonl} (the JsonlHistory format) and {@code timeline.html}
 * (self-contained).
 */
public final class ReportWriter {
  private ReportWriter() {}

  public static void write(RunRecord r, Path dir) throws IOException {
    Files.createDirectories(dir);
    write(dir.resolve("summary.json"), summaryJson(r) + "\n");
    write(dir.resolve("summary.md"), summaryMarkdown(r));
    StringWriter history = new StringWriter();
    JsonlHistory.write(r.history(), history);
    write(dir.resolve("history.jsonl"), history.toString());
    write(dir.resolve("timeline.html"), TimelinePage.html(r));
  }

  public static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /** Counts of completed operations by outcome: ok, fail, unknown. */
  public static Map<String, Object> opCounts(List<Event> history) {
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

  /** Successful operations per second of the run's clock in [from, to). */
  public static double throughput(List<Event> history, long fromMicros, long toMicros) {
    if (toMicros <= fromMicros) {
      return 0;
    }
    long n = history.stream().filter(e -> e.type() == EventType.OK
        && e.timeNanos() / 1000 >= fromMicros && e.timeNanos() / 1000 < toMicros).count();
    return Math.round(n * 1e7 / (toMicros - fromMicros)) / 10.0;
  }

  static Map<String, Object> summary(RunRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seed", r.seed());
    m.put("verdict", r.verdict());
    m.put("replay", r.replayCommand());
    m.putAll(r.details());
    m.put("ops", opCounts(r.history()));
    RunRecord.Phases p = r.phases();
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
    m.put("coverage", new LinkedHashMap<String, Object>(r.coverage()));
    m.putAll(r.trailer());
    return m;
  }

  public static String summaryJson(RunRecord r) {
    StringBuilder out = new StringBuilder();
    Json.write(summary(r), out);
    return out.toString();
  }

  public static String summaryMarkdown(RunRecord r) {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(r.heading()).append(", seed ").append(r.seed()).append(": ")
        .append(r.valid() ? "valid" : r.verdict().toUpperCase(java.util.Locale.ROOT))
        .append("\n\n");
    md.append("Replay: `").append(r.replayCommand()).append("`\n\n");
    r.detailLines().forEach(line -> md.append(line).append("\n\n"));
    md.append("Operations: ").append(opCounts(r.history())).append("\n\n");
    md.append("| checker | verdict | detail |\n|---|---|---|\n");
    for (Finding f : r.findings()) {
      md.append("| ").append(f.checker()).append(" | ").append(f.valid() ? "ok" : "VIOLATED")
          .append(" | ").append(f.detail().replace("|", "\\|")).append(" |\n");
    }
    md.append("\n| coverage counter | count |\n|---|---|\n");
    r.coverage().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v)
        .append(" |\n"));
    return md.toString();
  }
}
