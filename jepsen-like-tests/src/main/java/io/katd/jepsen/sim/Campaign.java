package io.katd.jepsen.sim;

import io.katd.jepsen.check.Json;
import io.katd.jepsen.check.JsonlHistory;
import io.katd.kv.sm.KvStateMachine;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs many scenarios and reports on them: every failing run gets its own report directory
 * and its scenario saved under {@code failures/}; the campaign writes a summary with the
 * summed coverage counters, and re-runs a few scenarios to check that one seed gives one run
 * (equal trace hashes).
 */
public final class Campaign {
  /** The reports of a campaign land under this directory unless told otherwise. */
  public static final Path DEFAULT_ROOT = Path.of(System.getProperty("katd.jepsen.reports",
      "target/jepsen-like"));

  /** A finished campaign. */
  public record Result(String name, List<RunResult> runs, Coverage coverage,
      List<String> nondeterministic, List<Path> failureReports, Path dir) {
    public List<RunResult> failures() {
      return runs.stream().filter(r -> !r.valid()).toList();
    }

    public boolean valid() {
      return failures().isEmpty() && nondeterministic.isEmpty();
    }
  }

  private Campaign() {}

  /**
   * @param determinismSamples how many of the scenarios run twice: the first ones, and as
   *     many of the first with membership changes (members that join and leave must replay
   *     the same way too)
   * @param hook passed to every {@link Simulation}; null for none
   */
  public static Result run(String name, List<Scenario> scenarios, Path root,
      int determinismSamples, Consumer<KvStateMachine> hook, PrintStream log) {
    List<RunResult> runs = new ArrayList<>();
    Coverage coverage = new Coverage();
    List<String> nondeterministic = new ArrayList<>();
    List<Path> failureReports = new ArrayList<>();
    int membershipSamples = 0;
    for (int i = 0; i < scenarios.size(); i++) {
      Scenario s = scenarios.get(i);
      RunResult r = new Simulation(s, hook).run();
      runs.add(r);
      coverage.addAll(r.coverage());
      boolean membership = s.has(FaultKind.MEMBERSHIP);
      if (i < determinismSamples || membership && membershipSamples < determinismSamples) {
        membershipSamples += membership ? 1 : 0;
        long again = new Simulation(s, hook).run().traceHash();
        if (again != r.traceHash()) {
          nondeterministic.add("seed " + s.seed() + ": trace hashes "
              + Long.toHexString(r.traceHash()) + " and " + Long.toHexString(again));
        }
      }
      if (!r.valid()) {
        failureReports.add(saveFailure(name, r, root, log));
      }
    }
    Path dir = root.resolve(name);
    Result result = new Result(name, runs, coverage, nondeterministic, failureReports, dir);
    writeSummary(result);
    return result;
  }

  /** Writes a failing run's report and its scenario file; prints where and how to replay. */
  public static Path saveFailure(String name, RunResult r, Path root, PrintStream log) {
    Path dir = root.resolve(name + "-seed-" + r.scenario().seed());
    try {
      RunReport.write(r, dir);
      Path failures = root.resolve("failures");
      java.nio.file.Files.createDirectories(failures);
      RunReport.write(failures.resolve(name + "-seed-" + r.scenario().seed() + ".json"),
          r.scenario().toJson() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (log != null) {
      log.println("FAILED " + r + "\n  scenario: " + r.scenario().toJson() + "\n  report: "
          + dir.toAbsolutePath() + "\n  replay: " + r.replayCommand());
    }
    return dir;
  }

  private static void writeSummary(Result c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("campaign", c.name());
    m.put("verdict", c.valid() ? "valid" : "invalid");
    m.put("runs", (long) c.runs().size());
    List<Object> failed = new ArrayList<>();
    for (RunResult r : c.failures()) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("seed", r.scenario().seed());
      f.put("violation", r.firstViolation().toString());
      f.put("replay", r.replayCommand());
      failed.add(f);
    }
    m.put("failures", failed);
    m.put("nondeterministic", List.copyOf(c.nondeterministic()));
    long ok = 0;
    long fail = 0;
    long unknown = 0;
    for (RunResult r : c.runs()) {
      Map<String, Object> counts = RunReport.opCounts(r.history());
      ok += (Long) counts.get("ok");
      fail += (Long) counts.get("fail");
      unknown += (Long) counts.get("unknown");
    }
    Map<String, Object> ops = new LinkedHashMap<>();
    ops.put("ok", ok);
    ops.put("fail", fail);
    ops.put("unknown", unknown);
    m.put("ops", ops);
    Map<String, Object> cov = new LinkedHashMap<>();
    c.coverage().asMap().forEach((k, v) -> cov.put(k.name(), v));
    m.put("coverage", cov);
    m.put("unreachedCoverage", c.coverage().unreached().stream().map(Enum::name).toList());
    StringBuilder json = new StringBuilder();
    Json.write(m, json);
    StringBuilder md = new StringBuilder("# Simulation campaign ").append(c.name())
        .append(": ").append(c.valid() ? "valid" : "INVALID").append("\n\n")
        .append(c.runs().size()).append(" runs, ").append(c.failures().size())
        .append(" failed; operations ok ").append(ok).append(", fail ").append(fail)
        .append(", unknown ").append(unknown).append(".\n\n");
    for (RunResult r : c.failures()) {
      md.append("- seed ").append(r.scenario().seed()).append(": ")
          .append(r.firstViolation()).append("\n");
    }
    c.nondeterministic().forEach(n -> md.append("- NONDETERMINISTIC ").append(n).append('\n'));
    md.append("\n| coverage counter | count |\n|---|---|\n");
    c.coverage().asMap().forEach((k, v) -> md.append("| ").append(k).append(" | ")
        .append(v).append(" |\n"));
    md.append("\nUnreached: ").append(c.coverage().unreached()).append('\n');
    try {
      java.nio.file.Files.createDirectories(c.dir());
      RunReport.write(c.dir().resolve("summary.json"), json + "\n");
      RunReport.write(c.dir().resolve("summary.md"), md.toString());
      // The sample run shown: the first failure, or else the first run.
      if (!c.runs().isEmpty()) {
        RunResult sample = c.failures().isEmpty() ? c.runs().get(0) : c.failures().get(0);
        StringWriter history = new StringWriter();
        JsonlHistory.write(sample.history(), history);
        RunReport.write(c.dir().resolve("history.jsonl"), history.toString());
        RunReport.write(c.dir().resolve("timeline.html"), Timeline.html(sample));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
