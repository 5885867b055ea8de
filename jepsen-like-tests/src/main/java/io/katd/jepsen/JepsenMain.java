package io.katd.jepsen;

import io.katd.jepsen.check.Budget;
import io.katd.jepsen.check.CheckResult;
import io.katd.jepsen.check.EdnHistoryParser;
import io.katd.jepsen.check.History;
import io.katd.jepsen.check.HistoryFormatException;
import io.katd.jepsen.check.JepsenLogParser;
import io.katd.jepsen.check.JsonlHistory;
import io.katd.jepsen.check.KvModel;
import io.katd.jepsen.check.LinearizabilityChecker;
import io.katd.jepsen.check.RegisterModel;
import io.katd.jepsen.process.ProcessRun;
import io.katd.jepsen.process.RunOptions;
import io.katd.jepsen.process.RunOutcome;
import io.katd.jepsen.sim.Campaign;
import io.katd.jepsen.sim.Scenario;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The jepsen-like command line:
 *
 * <pre>
 * simulate [--seeds N] [--nodes 3|5] [--ops K] [--seed S] [--scenario FILE] [--out DIR]
 * check HISTORY [--model kv|register] [--timeout-seconds T]
 * process [--nodes 3|5] [--duration 60s] [--faults kill,pause,partition,...]
 *         [--workload register] [--seed S] [--snapshot-threshold N] [--jar PATH] [--out DIR]
 * </pre>
 *
 * <p>Exit codes: 0 valid, 1 invalid, 2 usage error, 3 unknown (the checker gave up).
 */
public final class JepsenMain {
  static final int VALID = 0;
  static final int INVALID = 1;
  static final int USAGE = 2;
  static final int UNKNOWN = 3;

  private JepsenMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      return usage(err, "no command");
    }
    try {
      return switch (args[0]) {
        case "simulate" -> simulate(args, out, err);
        case "check" -> check(args, out, err);
        case "process" -> process(args, out);
        default -> usage(err, "unknown command " + args[0]);
      };
    } catch (IllegalArgumentException | HistoryFormatException e) {
      return usage(err, e.getMessage());
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
      return USAGE;
    }
  }

  private static int usage(PrintStream err, String problem) {
    err.println("error: " + problem);
    err.println("usage: jepsen simulate [--seeds N] [--nodes 3|5] [--ops K] [--seed S]"
        + " [--scenario FILE] [--out DIR]");
    err.println("       jepsen check HISTORY [--model kv|register] [--timeout-seconds T]");
    err.println("       jepsen process [--nodes 3|5] [--duration 60s] [--faults kill,pause,"
        + "slow,partition,flapping,delay,reset,half-open,garbage,membership] [--workload register]"
        + " [--seed S] [--snapshot-threshold N] [--jar PATH] [--out DIR]");
    return USAGE;
  }

  private static String option(String[] args, String name, String dflt) {
    for (int i = 1; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return dflt;
  }

  /** A whole-number option; a bad one is a usage error that names it. */
  private static long number(String[] args, String name, String dflt) {
    String v = option(args, name, dflt);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got " + v);
    }
  }

  private static int simulate(String[] args, PrintStream out, PrintStream err)
      throws IOException {
    int seeds = Integer.parseInt(option(args, "--seeds", "1"));
    int nodes = Integer.parseInt(option(args, "--nodes", "3"));
    int ops = Integer.parseInt(option(args, "--ops", "100"));
    long first = Long.parseLong(option(args, "--seed", "1"));
    String file = option(args, "--scenario", null);
    Path root = Path.of(option(args, "--out", Campaign.DEFAULT_ROOT.toString()));
    List<Scenario> scenarios = new ArrayList<>();
    if (file != null) {
      scenarios.add(Scenario.fromJson(Files.readString(Path.of(file))));
    } else {
      for (long s = first; s < first + seeds; s++) {
        scenarios.add(Scenario.fromSeed(s, nodes, ops));
      }
    }
    String name = "cli-" + (file != null ? "scenario-" + scenarios.get(0).seed()
        : "seeds-" + first + "-" + (first + seeds - 1) + "-n" + nodes);
    Campaign.Result r = Campaign.run(name, scenarios, root, Math.min(2, scenarios.size()),
        null, err);
    out.println(r.runs().size() + " runs, " + r.failures().size() + " failed"
        + (r.nondeterministic().isEmpty() ? "" : ", NONDETERMINISTIC: "
            + r.nondeterministic()));
    out.println("coverage: " + r.coverage().asMap());
    out.println("reports: " + r.dir().toAbsolutePath());
    return r.valid() ? VALID : INVALID;
  }

  private static int process(String[] args, PrintStream out) throws IOException {
    String workload = option(args, "--workload", "register");
    if (!workload.equals("register")) {
      throw new IllegalArgumentException("unknown workload " + workload
          + "; process runs know: register");
    }
    RunOptions options = new RunOptions((int) number(args, "--nodes", "3"),
        duration(option(args, "--duration", "60s")),
        RunOptions.parseFaults(option(args, "--faults", "kill,pause,partition")),
        number(args, "--seed", "1"),
        Path.of(option(args, "--jar", RunOptions.DEFAULT_JAR.toString())),
        Path.of(option(args, "--out", RunOptions.DEFAULT_ROOT.toString())),
        (int) number(args, "--clients", "3"), (int) number(args, "--keys", "8"),
        number(args, "--snapshot-threshold", "0"));
    RunOutcome r;
    try {
      r = ProcessRun.run(options, out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    out.println("report: " + r.dir().toAbsolutePath());
    return switch (r.verdict()) {
      case "valid" -> VALID;
      case "unknown" -> UNKNOWN;
      default -> INVALID;
    };
  }

  /** {@code 90s}, {@code 2m}, {@code 1m30s} or a number of seconds. */
  static Duration duration(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:(\\d+)m)?(?:(\\d+)s)?")
        .matcher(text);
    if (text.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    if (text.isEmpty() || !m.matches()) {
      throw new IllegalArgumentException("not a duration: " + text + " (use 60s, 2m, 1m30s)");
    }
    long minutes = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
    long seconds = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
    return Duration.ofSeconds(minutes * 60 + seconds);
  }

  private static int check(String[] args, PrintStream out, PrintStream err)
      throws IOException {
    if (args.length < 2) {
      return usage(err, "check needs a history file");
    }
    Path file = Path.of(args[1]);
    String name = file.getFileName().toString();
    History history;
    if (name.endsWith(".jsonl")) {
      history = JsonlHistory.read(file);
    } else if (name.endsWith(".edn") || name.endsWith(".txt")) {
      history = EdnHistoryParser.parse(file);
    } else {
      history = JepsenLogParser.parse(file);
    }
    boolean keyed = history.events().stream().anyMatch(e -> e.key() != null);
    String model = option(args, "--model", keyed ? "kv" : "register");
    Budget budget = Budget.ofTime(Duration.ofSeconds(Long.parseLong(option(args,
        "--timeout-seconds", "60"))), System::nanoTime);
    CheckResult result = switch (model) {
      case "kv" -> LinearizabilityChecker.check(history, new KvModel(), budget);
      case "register" -> LinearizabilityChecker.check(history, new RegisterModel(), budget);
      default -> throw new IllegalArgumentException("unknown model " + model);
    };
    out.println(history.source() + ": " + result.describe());
    return switch (result.verdict()) {
      case LINEARIZABLE -> VALID;
      case NOT_LINEARIZABLE -> INVALID;
      case UNKNOWN -> UNKNOWN;
    };
  }
}
