package io.katd.jepsen.sim;

import io.katd.jepsen.check.EventType;
import io.katd.jepsen.check.LostWriteChecker;
import io.katd.jepsen.sim.Coverage.Counter;
import io.katd.proto.kv.KvResult;
import io.katd.proto.raft.ConfChangeType;
import io.katd.raft.Status;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs a scenario's script ({@link ScriptStep}) in the fault window, in place of the random
 * nemesis. Steps run one after the other; a step that waits for something waits in
 * simulated time, with a limit, and a step that cannot complete stops the run with an error
 * naming it: the script no longer does what it says, and its verdict would mean nothing.
 */
final class ScriptRunner {
  /** How finely waiting steps look at the cluster: well under one network delay. */
  static final long STEP_MICROS = 100;
  static final long ELECTION_ATTEMPT_MICROS = 20_000;
  static final int ELECTION_ATTEMPTS = 5;
  static final long AWAIT_MICROS = 1_000_000;
  static final long MEMBERSHIP_ATTEMPT_MICROS = 300_000;
  static final int MEMBERSHIP_ATTEMPTS = 10;
  /** Scripted writes are recorded as processes 900, 901, ...: one process per write. */
  static final int FIRST_PROCESS = 900;

  private final Simulation sim;
  private final List<ScriptStep> steps;
  private int current;
  private int writes;
  private int unresolved;
  private long lastRequestId = -1;

  ScriptRunner(Simulation sim) {
    this.sim = sim;
    this.steps = sim.scenario.script().stream().map(ScriptStep::parse).toList();
  }

  void run() {
    for (current = 0; current < steps.size(); current++) {
      ScriptStep step = steps.get(current);
      sim.recorder.note("script: " + step);
      execute(step);
    }
    sim.ticksFrozen = false;
    // Every scripted write resolves (acknowledged, failed or timed out) before the checks.
    await(() -> unresolved == 0, Client.TIMEOUT_MICROS + STEP_MICROS);
  }

  private void execute(ScriptStep step) {
    switch (step.verb()) {
      case "freeze" -> sim.ticksFrozen = true;
      case "unfreeze" -> sim.ticksFrozen = false;
      case "elect" -> elect(node(step, 0));
      case "cut" -> {
        long a = node(step, 0).id;
        long b = node(step, 1).id;
        sim.network.cut(a, b);
        sim.network.cut(b, a);
        sim.recorder.band("cut " + a + "-" + b, a + "," + b, sim.loop.now(), sim.loop.now());
      }
      case "isolate" -> {
        long a = node(step, 0).id;
        for (long b : sim.nodeIds()) {
          if (b != a) {
            sim.network.cut(a, b);
            sim.network.cut(b, a);
          }
        }
        sim.recorder.band("isolated", String.valueOf(a), sim.loop.now(), sim.loop.now());
      }
      case "heal" -> {
        if (sim.network.partitioned()) {
          sim.network.healPartitions();
          sim.coverage.add(Counter.PARTITIONS_HEALED);
        }
      }
      case "crash" -> {
        SimNode n = node(step, 0);
        if (n.isUp()) {
          sim.crash(n, "crash (scripted)");
        }
      }
      case "restart" -> {
        SimNode n = node(step, 0);
        if (n.status != SimNode.Status.DOWN) {
          fail("node " + n.id + " is not down");
        }
        sim.restart(n);
      }
      case "wipe-log" -> StorageFaults.wipe(sim, node(step, 0), true);
      case "put" -> put(node(step, 0), step.args().get(1), (int) step.num(2));
      case "await-match" -> awaitMatch(node(step, 0), step.num(1));
      case "wait" -> sim.loop.runUntil(sim.loop.now() + step.num(0) * 1000);
      case "add-learner" -> {
        long id = step.num(0);
        if (sim.node(id) != null || id <= sim.scenario.nodes()) {
          fail("node " + id + " is not a fresh id");
        }
        change(ConfChangeType.ConfChangeAddLearnerNode, id,
            () -> sim.membership.isLearner(id) && sim.node(id) != null);
      }
      case "promote" -> {
        long id = step.num(0);
        await(() -> sim.membership.caughtUp(id), AWAIT_MICROS);
        change(ConfChangeType.ConfChangeAddNode, id, () -> sim.membership.isVoter(id));
      }
      case "remove" -> remove(step.num(0));
      case "remove-leader" -> {
        await(() -> sim.leader() != null, AWAIT_MICROS);
        remove(sim.leader().id);
        await(() -> sim.leader() != null, AWAIT_MICROS);
      }
      default -> throw new IllegalStateException("no action for verb " + step.verb());
    }
  }

  private SimNode node(ScriptStep step, int arg) {
    SimNode n = sim.node(step.num(arg));
    if (n == null) {
      fail("no node " + step.num(arg) + " in the cluster");
    }
    return n;
  }

  /** Campaigns until the node leads: a lost election (votes taken in that term) retries. */
  private void elect(SimNode n) {
    for (int attempt = 0; attempt < ELECTION_ATTEMPTS && !n.isLeader(); attempt++) {
      if (!n.canRun()) {
        fail("node " + n.id + " is not running");
      }
      n.guarded(() -> {
        n.raw.campaign();
        n.process();
      });
      sim.loop.runUntil(n::isLeader, sim.loop.now() + ELECTION_ATTEMPT_MICROS, STEP_MICROS);
    }
    if (!n.isLeader()) {
      fail("node " + n.id + " did not win an election in " + ELECTION_ATTEMPTS + " attempts");
    }
  }

  /** Until leader {@code l} knows that {@code peer} holds the last scripted write's entry. */
  private void awaitMatch(SimNode l, long peer) {
    if (lastRequestId < 0) {
      fail("no write to wait for");
    }
    await(() -> {
      if (!l.isLeader()) {
        return false;
      }
      long index = l.indexOfRequest(lastRequestId);
      Status.PeerProgress p = l.raw.status().progress().get(peer);
      return index > 0 && p != null && p.match() >= index;
    }, AWAIT_MICROS, () -> l.isLeader() ? "leader " + l.id + " has the write at index "
        + l.indexOfRequest(lastRequestId) + " and sees " + l.raw.status().progress()
        : "node " + l.id + " is not leader");
  }

  /**
   * A client write through one member, recorded as its own process. The value is padded to
   * {@code size} bytes: an entry larger than a message's budget (1 MiB) travels alone.
   */
  private void put(SimNode n, String key, int size) {
    int process = FIRST_PROCESS + writes++;
    long requestId = sim.nextRequestId();
    StringBuilder v = new StringBuilder("script-" + requestId + "-");
    while (v.length() < size) {
      v.append('x');
    }
    String value = v.toString();
    String shown = "script-" + requestId + " (" + value.length() + " bytes)";
    long invokedAt = sim.loop.now();
    if (!n.canRun()) {
      fail("node " + n.id + " is not running");
    }
    boolean[] done = new boolean[1];
    unresolved++;
    lastRequestId = requestId;
    sim.recorder.invoke(process, "put", key, value, invokedAt);
    Runnable resolve = () -> {
      done[0] = true;
      unresolved--;
    };
    boolean proposed = n.propose(Commands.put(key, value, 0, 0), requestId,
          (KvResult r) -> {
            if (done[0]) {
              return;
            }
            resolve.run();
            EventType type = r.hasPut() ? EventType.OK : EventType.FAIL;
            sim.recorder.complete(process, type, "put", key, value, sim.loop.now());
            sim.recorder.op(new Recorder.Op(process, "put", key, shown, invokedAt,
                sim.loop.now(), type.wireName(), n.id, r.hasPut() ? "ok" : "rejected"));
            if (r.hasPut()) {
              sim.acked.add(new LostWriteChecker.Acked(key, value, r.getPut().getHeader()
                  .getRevision()));
            }
          });
    if (!proposed) {
      fail("member " + n.id + " dropped the write (no leader known)");
    }
    n.guarded(n::process);
    sim.loop.after(Client.TIMEOUT_MICROS, () -> {
      if (done[0]) {
        return;
      }
      resolve.run();
      sim.recorder.complete(process, EventType.INFO, "put", key, value, sim.loop.now());
      sim.recorder.op(new Recorder.Op(process, "put", key, shown, invokedAt, sim.loop.now(),
          "info", n.id, "timeout"));
      sim.unknownWrites.add(value);
      sim.coverage.add(Counter.UNKNOWN_OUTCOMES);
    });
  }

  /** Removes a member: the change is applied, then the member's process stops. */
  private void remove(long id) {
    change(ConfChangeType.ConfChangeRemoveNode, id,
        () -> !sim.membership.isVoter(id) && !sim.membership.isLearner(id));
    await(() -> sim.node(id) == null, AWAIT_MICROS);
  }

  /** Proposes a membership change until it takes effect, a bounded number of times. */
  private void change(ConfChangeType type, long id, BooleanSupplier done) {
    for (int attempt = 0; attempt < MEMBERSHIP_ATTEMPTS && !done.getAsBoolean(); attempt++) {
      sim.membership.proposeScripted(type, id);
      sim.loop.runUntil(done, sim.loop.now() + MEMBERSHIP_ATTEMPT_MICROS, 1_000);
    }
    if (!done.getAsBoolean()) {
      fail("the change did not take effect in " + MEMBERSHIP_ATTEMPTS + " attempts");
    }
  }

  private void await(BooleanSupplier condition, long limitMicros) {
    await(condition, limitMicros, () -> "");
  }

  private void await(BooleanSupplier condition, long limitMicros, Supplier<String> state) {
    if (!sim.loop.runUntil(condition, sim.loop.now() + limitMicros, STEP_MICROS)) {
      String detail = state.get();
      fail("not reached within " + limitMicros / 1000 + " ms"
          + (detail.isEmpty() ? "" : "; " + detail));
    }
  }

  private void fail(String why) {
    String step = current < steps.size() ? steps.get(current).toString() : "end of script";
    throw new IllegalStateException("script step " + (current + 1) + " '" + step + "' of "
        + "scenario seed " + sim.scenario.seed() + ": " + why);
  }
}
