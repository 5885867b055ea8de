package io.katd.jepsen.sim;

import io.katd.jepsen.check.Budget;
import io.katd.jepsen.check.CheckResult;
import io.katd.jepsen.check.ConvergenceChecker;
import io.katd.jepsen.check.Finding;
import io.katd.jepsen.check.FencingChecker;
import io.katd.jepsen.check.History;
import io.katd.jepsen.check.KvEvent;
import io.katd.jepsen.check.KvModel;
import io.katd.jepsen.check.LinearizabilityChecker;
import io.katd.jepsen.check.LostWriteChecker;
import io.katd.jepsen.check.Verdict;
import io.katd.jepsen.check.WatchChecker;
import io.katd.jepsen.check.WatchStream;
import io.katd.jepsen.sim.Coverage.Counter;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Runs the client-side checkers over a finished simulation and gathers every verdict. */
final class Verification {
  // Deterministic, unlike a time budget; generous for histories of a few hundred operations.
  static final long LINEARIZABILITY_STEPS = 20_000_000;

  private Verification() {}

  static RunResult verify(Simulation sim) {
    List<Finding> findings = new ArrayList<>();
    RunResult.BadOp[] bad = new RunResult.BadOp[1];
    findings.add(linearizability(sim, bad));
    long finalRevision = sim.committed.isEmpty() ? 1 : sim.committed.lastKey();
    List<WatchStream> streams = new ArrayList<>();
    for (Client c : sim.clients()) {
      streams.addAll(c.watch.streams(finalRevision));
    }
    findings.add(WatchChecker.check(sim.committed, streams));
    Map<Long, Map<String, String>> finals = new TreeMap<>();
    Map<Long, ConvergenceChecker.NodeState> states = new TreeMap<>();
    for (SimNode n : sim.running()) {
      Map<String, String> state = new TreeMap<>();
      for (KeyValue kv : n.readAll().values()) {
        state.put(kv.getKey().toStringUtf8(), kv.getValue().toStringUtf8());
      }
      finals.put(n.id, state);
      states.put(n.id, new ConvergenceChecker.NodeState(n.sm.appliedIndex(),
          n.sm.currentRevision(), n.stateHash()));
      sim.recorder.trace("final " + n.id + " " + states.get(n.id));
    }
    findings.add(LostWriteChecker.check(sim.acked, sim.committed, finals));
    findings.add(ConvergenceChecker.check(states));
    findings.add(FencingChecker.check(sim.claims, new ArrayList<>(sim.fencedApplied.values())));
    for (String name : List.of("election-safety", "vote-safety", "state-machine-safety",
        "kv-history", "revision", "monotonicity", "recovery", "fail-stop", "reply-durability",
        "liveness")) {
      findings.add(sim.violations.stream().filter(f -> f.checker().equals(name)).findFirst()
          .orElse(Finding.ok(name)));
    }
    countResolved(sim);
    for (Finding f : findings) {
      sim.recorder.trace(f.toString());
    }
    sim.recorder.trace("coverage " + sim.coverage.asMap());
    return new RunResult(sim.scenario, findings, sim.coverage, sim.recorder.traceHash(),
        List.copyOf(sim.recorder.history), sim.recorder, new RunResult.Phases(
            sim.workloadStart, sim.faultsStart, sim.faultsEnd, sim.healedAt, sim.loop.now()),
        bad[0]);
  }

  private static Finding linearizability(Simulation sim, RunResult.BadOp[] bad) {
    History history = History.of("seed-" + sim.scenario.seed(), sim.recorder.history);
    CheckResult r = LinearizabilityChecker.check(history, new KvModel(),
        Budget.ofSteps(LINEARIZABILITY_STEPS));
    if (r.verdict() == Verdict.NOT_LINEARIZABLE) {
      r.violation().ifPresent(v -> bad[0] = new RunResult.BadOp(v.stuck().process(),
          v.stuck().invocation().timeNanos() / 1000));
      return Finding.violation("linearizability", r.describe());
    }
    return new Finding("linearizability", true, r.verdict() == Verdict.UNKNOWN
        ? "unknown: " + r.describe() : "");
  }

  /** Counts the unknown-outcome writes whose effect the committed history shows. */
  private static void countResolved(Simulation sim) {
    java.util.Set<String> written = new java.util.TreeSet<>();
    for (List<KvEvent> events : sim.committed.values()) {
      for (KvEvent e : events) {
        written.add(e.value());
      }
    }
    for (Object w : sim.unknownWrites) {
      Object v = w instanceof List<?> l ? l.get(1) : w;
      if (v instanceof String s && written.contains(s)) {
        sim.coverage.add(Counter.UNKNOWN_OUTCOMES_RESOLVED);
      }
    }
  }
}
