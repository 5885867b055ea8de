package io.katd.jepsen.sim;

import io.katd.jepsen.check.EventType;
import io.katd.jepsen.check.LostWriteChecker;
import io.katd.raft.ReadOnlyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A scripted fault schedule for the negative tests, which need one precise sequence rather
 * than a random one: steps that each wait for a condition, then act. It starts when the
 * fault window opens and the run's workload lasts until it is done. Scripted client
 * operations go into the history like any client's, so the same checkers judge them. A step
 * whose condition does not hold within {@link #STEP_LIMIT_MICROS} of simulated time is a
 * liveness violation, and the rest of the script is skipped.
 */
final class Script {
  static final long STEP_LIMIT_MICROS = 10_000_000;
  static final long POLL_MICROS = 1_000;
  // Process ids of scripted operations: one per operation, away from the clients' ids.
  private static final int FIRST_PROCESS = 500;
  // Scripted operations take a fixed client delay: the script is the only source of choice.
  private static final long CLIENT_DELAY_MICROS = 500;

  private record Step(String name, Predicate<Simulation> ready, Consumer<Simulation> action) {}

  private final List<Step> steps = new ArrayList<>();
  private ReadOnlyOption readOnly = ReadOnlyOption.SAFE;
  private Simulation sim;
  private int next;
  private boolean done;
  private int processes;

  /** How leaders confirm reads in this run (raft-core's ReadOnlyOption). */
  Script readOnly(ReadOnlyOption option) {
    this.readOnly = option;
    return this;
  }

  ReadOnlyOption readOnly() {
    return readOnly;
  }

  /** Acts once the condition holds. */
  Script when(String name, Predicate<Simulation> ready, Consumer<Simulation> action) {
    steps.add(new Step(name, ready, action));
    return this;
  }

  /** Acts at once (after the previous step). */
  Script then(String name, Consumer<Simulation> action) {
    return when(name, s -> true, action);
  }

  /** Waits for the condition. */
  Script await(String name, Predicate<Simulation> ready) {
    return when(name, ready, s -> { });
  }

  /** Waits a fixed stretch of simulated time. */
  Script pause(String name, long micros) {
    long[] until = {-1};
    return when(name, s -> {
      if (until[0] < 0) {
        until[0] = s.loop.now() + micros;
      }
      return s.loop.now() >= until[0];
    }, s -> { });
  }

  boolean done() {
    return done;
  }

  void start(Simulation s) {
    this.sim = s;
    poll(s.loop.now());
  }

  private void poll(long stepStart) {
    if (next >= steps.size()) {
      done = true;
      return;
    }
    Step step = steps.get(next);
    if (step.ready().test(sim)) {
      sim.recorder.note("script: " + step.name());
      step.action().accept(sim);
      next++;
      sim.loop.after(0, () -> poll(sim.loop.now()));
    } else if (sim.loop.now() - stepStart >= STEP_LIMIT_MICROS) {
      sim.onViolation("liveness", "scripted step '" + step.name() + "' not reached within "
          + STEP_LIMIT_MICROS / 1_000_000 + " s");
      done = true;
    } else {
      sim.loop.after(POLL_MICROS, () -> poll(stepStart));
    }
  }

  // ---- scripted client operations ---------------------------------------------------

  /** One scripted operation's outcome, filled in when it completes. */
  static final class Op {
    EventType outcome;
    String value;

    boolean completed() {
      return outcome != null;
    }

    boolean ok() {
      return outcome == EventType.OK;
    }
  }

  /**
   * Puts on the given node, recorded in the history; an acknowledged put joins the writes
   * that must never be lost. Unanswered within the client timeout, it is unknown.
   */
  Op put(SimNode node, String key, String value) {
    Op op = new Op();
    int process = FIRST_PROCESS + processes++;
    long start = sim.loop.now();
    sim.recorder.invoke(process, "put", key, value, start);
    long requestId = sim.nextRequestId();
    int inc = node.incarnation;
    sim.loop.after(CLIENT_DELAY_MICROS, () -> node.onNode(inc, () -> {
      if (!node.propose(Commands.put(key, value, 0, 0), requestId, r -> complete(op, process,
          "put", key, value, node, start, r.hasPut() ? EventType.OK : EventType.FAIL,
          () -> sim.acked.add(new LostWriteChecker.Acked(key, value, r.getPut().getHeader()
              .getRevision()))))) {
        complete(op, process, "put", key, value, node, start, EventType.FAIL, () -> { });
      }
    }));
    timeout(op, process, "put", key, value, node, start);
    return op;
  }

  /** A linearizable get on the given node (ReadIndex, or a lease read under LEASE_BASED). */
  Op get(SimNode node, String key) {
    Op op = new Op();
    int process = FIRST_PROCESS + processes++;
    long start = sim.loop.now();
    sim.recorder.invoke(process, "get", key, null, start);
    int inc = node.incarnation;
    sim.loop.after(CLIENT_DELAY_MICROS, () -> node.onNode(inc, () ->
        node.readIndex("script-" + process, "script-" + process, index -> {
          String v = node.readLocal(key);
          complete(op, process, "get", key, v, node, start, EventType.OK, () -> { });
        })));
    timeout(op, process, "get", key, null, node, start);
    return op;
  }

  private void complete(Op op, int process, String f, String key, String value, SimNode node,
      long start, EventType type, Runnable onOk) {
    if (op.completed()) {
      return;
    }
    op.outcome = type;
    op.value = value;
    sim.recorder.complete(process, type, f, key, value, sim.loop.now());
    sim.recorder.op(new Recorder.Op(process, f, key, value, start, sim.loop.now(),
        type.wireName(), node.id, "scripted"));
    if (type == EventType.OK) {
      onOk.run();
    }
  }

  private void timeout(Op op, int process, String f, String key, String value, SimNode node,
      long start) {
    sim.loop.after(Client.TIMEOUT_MICROS, () -> {
      if (!op.completed()) {
        op.outcome = EventType.INFO;
        sim.recorder.complete(process, EventType.INFO, f, key, value, sim.loop.now());
        sim.recorder.op(new Recorder.Op(process, f, key, value, start, sim.loop.now(), "info",
            node.id, "timeout"));
        if (value != null) {
          sim.unknownWrites.add(value);
        }
      }
    });
  }
}
