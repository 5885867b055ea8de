package io.katd.jepsen.process;

import io.katd.jepsen.check.CheckResult;
import io.katd.jepsen.check.Finding;
import io.katd.jepsen.report.ReportWriter;
import io.katd.jepsen.report.RunRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A process run as the shared report writer shows it. */
final class ProcessReport {
  private ProcessReport() {}

  static void write(RunOptions o, String verdict, List<Finding> findings,
      Map<String, Long> coverage, RunLog log, CheckResult linearizability,
      ProcessRun.Phases p, Path dir) throws IOException {
    write(o, o.nodes(), verdict, findings, coverage, log, linearizability, p, dir);
  }

  /** As above, with {@code memberCount} members n1..nK (more than the founding ones when
   * members joined during the run). */
  static void write(RunOptions o, int memberCount, String verdict, List<Finding> findings,
      Map<String, Long> coverage, RunLog log, CheckResult linearizability,
      ProcessRun.Phases p, Path dir) throws IOException {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("nodes", (long) o.nodes());
    details.put("durationSeconds", o.duration().toSeconds());
    details.put("faults", o.faultList());
    details.put("workload", "register");
    details.put("clients", (long) o.clients());
    details.put("keys", (long) o.keys());
    Map<String, Object> trailer = new LinkedHashMap<>();
    trailer.put("linearizability", linearizability.describe());
    trailer.put("wallMillis", p.end() / 1000);
    List<String> members = new ArrayList<>();
    for (int i = 1; i <= memberCount; i++) {
      members.add("n" + i);
    }
    Map<Integer, String> clients = new TreeMap<>();
    for (int c = 0; c < o.clients(); c++) {
      clients.put(c, "client " + c);
    }
    clients.put(ProcessRun.FINAL_WRITER, "final write");
    for (int i = 0; i < memberCount; i++) {
      clients.put(ProcessRun.FINAL_READER + i, "final reads n" + (i + 1));
    }
    RunRecord.BadOp bad = linearizability.violation().map(v -> new RunRecord.BadOp(
        v.stuck().process(), v.stuck().invocation().timeNanos() / 1000)).orElse(null);
    RunRecord record = new RunRecord("Process run", "katd process run seed " + o.seed(),
        o.seed(), verdict, o.replayCommand(), details, List.of("Nodes " + o.nodes()
            + ", " + o.duration().toSeconds() + " s, faults " + o.faultList()
            + ", register workload with " + o.clients() + " clients on " + o.keys()
            + " keys."), findings, coverage, trailer, log.history(),
        new RunRecord.Phases(p.workloadStart(), p.faultsStart(), p.faultsEnd(), p.healed(),
            p.end()),
        new RunRecord.TimelineRows(members, clients, log.spans(), log.bands(),
            log.leaders(), log.notes(), bad));
    ReportWriter.write(record, dir);
  }
}
