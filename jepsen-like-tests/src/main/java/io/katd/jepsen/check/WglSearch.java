package io.katd.jepsen.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The Wing-Gong search with Lowe's memoisation, over one independent part of a history.
 *
 * <p>Invocations and completions sit in one list in history order. The search walks it from
 * the front: at an invocation it tries to linearize that operation now (apply it to the
 * model, take its invocation and completion out of the list, restart from the front); at a
 * completion it has met an operation that should already have been linearized, so it undoes
 * the last choice and tries the next candidate. Every (set of linearized operations, model
 * state) pair is explored at most once: the rest of the search depends on nothing else.
 *
 * <p>Operations of unknown outcome have no completion in the list. They can be linearized at
 * any point after their invocation, and the search succeeds without them once every
 * operation that completed is linearized, which is "it never happened".
 *
 * @param <S> the model state
 */
final class WglSearch<S> {
  private static final long ZOBRIST_SEED = 0x6b617464L;

  private final Model<S> model;
  private final Model.Partition part;
  private final Budget.Meter meter;
  private final Operation[] ops;
  private final boolean[] completed;
  // Entry 2i is the invocation of op i, 2i+1 its completion; `head` links both ends.
  private final int head;
  private final int[] next;
  private final int[] prev;
  private final long[] zobrist;

  private final long[] linearized;
  private long linearizedHash;
  private final Set<Visited> visited = new HashSet<>();
  private final int[] stackOps;
  private final Object[] stackStates;
  private int depth;
  // Where the search stands, kept in fields so that it can pause and resume.
  private S state;
  private int entry;
  private int remaining;

  private int bestDepth = -1;
  private int[] bestOrder = new int[0];
  private int bestStuck = -1;
  private S bestState;

  WglSearch(Model<S> model, Model.Partition part, Budget.Meter meter) {
    this.model = model;
    this.part = part;
    this.meter = meter;
    this.ops = part.operations().toArray(new Operation[0]);
    int n = ops.length;
    this.completed = new boolean[n];
    this.head = 2 * n;
    this.next = new int[2 * n + 1];
    this.prev = new int[2 * n + 1];
    this.zobrist = new long[n];
    this.linearized = new long[(n + 63) / 64];
    this.stackOps = new int[n];
    this.stackStates = new Object[n];
    SplittableRandom random = new SplittableRandom(ZOBRIST_SEED);
    for (int i = 0; i < n; i++) {
      completed[i] = ops[i].outcome() == Outcome.OK;
      remaining += completed[i] ? 1 : 0;
      zobrist[i] = random.nextLong();
    }
    link();
    state = model.initialState();
    entry = next[head];
  }

  /** The verdict for this part; a violation when it is not linearizable. */
  record PartResult(Verdict verdict, Violation violation) {}

  private void link() {
    List<long[]> entries = new ArrayList<>();
    for (int i = 0; i < ops.length; i++) {
      entries.add(new long[] {ops[i].invokeIndex(), 2L * i});
      if (completed[i]) {
        entries.add(new long[] {ops[i].completeIndex(), 2L * i + 1});
      }
    }
    entries.sort((a, b) -> Long.compare(a[0], b[0]));
    int last = head;
    for (long[] positioned : entries) {
      int id = (int) positioned[1];
      next[last] = id;
      prev[id] = last;
      last = id;
    }
    next[last] = head;
    prev[head] = last;
  }

  /**
   * Searches for at most {@code slice} steps. Returns the verdict, UNKNOWN once the shared
   * budget is spent, or null when the slice ran out first; a later call resumes.
   */
  PartResult advance(long slice) {
    for (long spent = 0; remaining > 0; spent++) {
      if (spent == slice) {
        return null;
      }
      if (!meter.spend()) {
        return new PartResult(Verdict.UNKNOWN, null);
      }
      if (entry == head) {
        // Unreachable: a completion of an unlinearized operation always lies ahead.
        throw new IllegalStateException("search ran off the end of " + part.name());
      }
      if (entry % 2 == 0) {
        tryLinearize(entry / 2);
      } else if (!backtrack(entry / 2)) {
        return new PartResult(Verdict.NOT_LINEARIZABLE, violation());
      }
    }
    return new PartResult(Verdict.LINEARIZABLE, null);
  }

  private void tryLinearize(int op) {
    S after = model.step(state, ops[op]);
    if (after != null && markNew(op, after)) {
      stackOps[depth] = op;
      stackStates[depth] = state;
      depth++;
      state = after;
      lift(op);
      remaining -= completed[op] ? 1 : 0;
      entry = next[head];
    } else {
      entry = next[entry];
    }
  }

  /**
   * Reached the completion of {@code stuckOp}, which had to be linearized by now: undo the
   * last choice and continue after it. False when there is no choice left to undo.
   */
  private boolean backtrack(int stuckOp) {
    noteDeadEnd(stuckOp);
    if (depth == 0) {
      return false;
    }
    depth--;
    int op = stackOps[depth];
    @SuppressWarnings("unchecked")
    S before = (S) stackStates[depth];
    state = before;
    stackStates[depth] = null;
    flip(op);
    unlift(op);
    remaining += completed[op] ? 1 : 0;
    entry = next[2 * op];
    return true;
  }

  /** Marks op linearized; false (and unmarked) if this configuration was seen before. */
  private boolean markNew(int op, S after) {
    flip(op);
    if (visited.add(new Visited(linearized.clone(), after, linearizedHash))) {
      return true;
    }
    flip(op);
    return false;
  }

  private void flip(int op) {
    linearized[op >>> 6] ^= 1L << op;
    linearizedHash ^= zobrist[op];
  }

  private void lift(int op) {
    unlink(2 * op);
    if (completed[op]) {
      unlink(2 * op + 1);
    }
  }

  // Dancing links: undo in the reverse order of lift so every neighbour pointer is restored.
  private void unlift(int op) {
    if (completed[op]) {
      relink(2 * op + 1);
    }
    relink(2 * op);
  }

  private void unlink(int id) {
    next[prev[id]] = next[id];
    prev[next[id]] = prev[id];
  }

  private void relink(int id) {
    next[prev[id]] = id;
    prev[next[id]] = id;
  }

  private void noteDeadEnd(int stuckOp) {
    if (depth > bestDepth) {
      bestDepth = depth;
      bestOrder = Arrays.copyOf(stackOps, depth);
      bestStuck = stuckOp;
      bestState = state;
    }
  }

  private Violation violation() {
    List<Operation> prefix = new ArrayList<>();
    for (int op : bestOrder) {
      prefix.add(ops[op]);
    }
    return new Violation(part.name(), prefix, ops[bestStuck], model.describe(bestState));
  }

  /** A configuration of the search: which operations are linearized, and the state. */
  private static final class Visited {
    private final long[] linearized;
    private final Object state;
    private final int hash;

    Visited(long[] linearized, Object state, long linearizedHash) {
      this.linearized = linearized;
      this.state = state;
      this.hash = Long.hashCode(linearizedHash) * 31 + state.hashCode();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Visited v && hash == v.hash && state.equals(v.state)
          && Arrays.equals(linearized, v.linearized);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
