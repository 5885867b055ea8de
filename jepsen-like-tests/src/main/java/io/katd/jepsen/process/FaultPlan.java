package io.katd.jepsen.process;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The fault windows of one run, drawn from its seed: which fault, when it starts and ends
 * (milliseconds from the start of the run), and on whom. The same seed, faults and times
 * give the same plan; whom "the leader" means is only known when the window opens.
 */
public final class FaultPlan {
  /** Targets a window by role rather than by member. */
  static final int LEADER = -1;

  /** The faults a run can ask for, by their command-line names. */
  public enum Fault {
    /** kill -9 a member, restart it when the window closes. */
    KILL,
    /** SIGSTOP a member, SIGCONT it when the window closes. */
    PAUSE,
    /** SIGSTOP and SIGCONT a member in a duty cycle for the window: a slow node. */
    SLOW,
    /** Network partitions: isolate the leader, majority/minority, one-way, bridge. */
    PARTITION,
    /** Links of one member that alternate pass and blackhole. */
    FLAPPING,
    /** Delay and jitter on one member's links. */
    DELAY,
    /** Reset every connection of one member, for the window. */
    RESET,
    /** Half-open connections on one member's links: stalled, never closed by the proxy. */
    HALF_OPEN,
    /**
     * Raw connections to one member's peer port with garbage, an oversize frame and a
     * Hello of another cluster: each must be closed by the member, with a log line.
     */
    GARBAGE,
    /**
     * One membership change: a member joins (learner, snapshot, promotion), or a voter is
     * removed (the leader the first time); half of them during a partition.
     */
    MEMBERSHIP;

    String wireName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Fault parse(String name) {
      for (Fault f : values()) {
        if (f.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) {
          return f;
        }
      }
      throw new IllegalArgumentException("unknown fault " + name + "; known: "
          + String.join(", ", java.util.Arrays.stream(values()).map(Fault::wireName)
              .toList()));
    }
  }

  /** The shapes a partition window takes. */
  enum Shape { ISOLATE_LEADER, MAJORITY_MINORITY, ONE_WAY, BRIDGE }

  /**
   * One window.
   *
   * @param target a member index, or {@link #LEADER}
   * @param shape for partitions, which one; null otherwise
   * @param seed draws anything else the window needs (the split, the flapping schedule)
   */
  record Window(Fault fault, long startMillis, long endMillis, int target, Shape shape,
      long seed) {
    @Override
    public String toString() {
      return fault.wireName() + (shape == null ? "" : " " + shape.name().toLowerCase(
          Locale.ROOT).replace('_', '-')) + " on " + (target == LEADER ? "the leader"
          : "member " + target) + " " + startMillis + "-" + endMillis + " ms";
    }
  }

  private FaultPlan() {}

  /**
   * Windows between {@code fromMillis} and {@code toMillis}: each fault asked for comes once
   * in a seeded order and aimed at the leader (so a short run still sees every fault and a
   * change of leader), then the draw is free; windows last 3 to 6 s with 1.5 to 4 s of
   * calm between them.
   */
  static List<Window> draw(long seed, List<Fault> faults, int nodes, long fromMillis,
      long toMillis) {
    if (faults.isEmpty()) {
      return List.of();
    }
    Random r = new Random(seed);
    List<Fault> firstRound = new ArrayList<>(faults);
    Collections.shuffle(firstRound, r);
    List<Window> windows = new ArrayList<>();
    long t = fromMillis;
    while (true) {
      long length = 3_000 + r.nextInt(3_000);
      if (t + length > toMillis) {
        return windows;
      }
      boolean first = windows.size() < firstRound.size();
      Fault f = first ? firstRound.get(windows.size()) : faults.get(r.nextInt(faults.size()));
      int drawn = r.nextBoolean() ? LEADER : r.nextInt(nodes);
      int target = first ? LEADER : drawn;
      Shape shape = f == Fault.PARTITION ? Shape.values()[r.nextInt(Shape.values().length)]
          : null;
      windows.add(new Window(f, t, t + length, target, shape, r.nextLong()));
      t += length + 1_500 + r.nextInt(2_500);
    }
  }
}
