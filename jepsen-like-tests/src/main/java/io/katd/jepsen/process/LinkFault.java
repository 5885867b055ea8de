package io.katd.jepsen.process;

import java.util.Random;

/**
 * What a proxied peer link does to the bytes of its connections. Forward is the direction
 * of the stream (from the connecting node to the accepting one), backward its answers.
 *
 * @param kind what happens
 * @param delayMillis for {@link Kind#DELAY}: the fixed part of each chunk's delay
 * @param jitterMillis for {@link Kind#DELAY}: a uniform extra delay in [0, jitter]
 * @param dropForward for {@link Kind#ONE_WAY}: true drops the forward direction, false the
 *     backward one
 * @param seed for {@link Kind#FLAPPING}: draws the lengths of the pass and blackhole periods
 * @param periodMillis for {@link Kind#FLAPPING}: the longest period; each lasts between half
 *     of it and all of it
 */
record LinkFault(Kind kind, long delayMillis, long jitterMillis, boolean dropForward,
    long seed, long periodMillis) {

  /** The kinds of fault. */
  enum Kind {
    /** Bytes flow through unchanged. */
    PASS,
    /** Connections are accepted but nothing is forwarded either way. */
    BLACKHOLE,
    /** Every chunk is held for a fixed time plus jitter, in order. */
    DELAY,
    /** One direction of every stream is dropped. */
    ONE_WAY,
    /** Alternates pass and blackhole periods on a seeded schedule. */
    FLAPPING,
    /** Every connection is closed with a TCP reset, open ones at once and new ones on accept. */
    RESET
  }

  static final LinkFault PASS = new LinkFault(Kind.PASS, 0, 0, false, 0, 0);
  static final LinkFault BLACKHOLE = new LinkFault(Kind.BLACKHOLE, 0, 0, false, 0, 0);
  static final LinkFault RESET = new LinkFault(Kind.RESET, 0, 0, false, 0, 0);

  LinkFault {
    if (delayMillis < 0 || jitterMillis < 0 || periodMillis < 0) {
      throw new IllegalArgumentException("negative duration in " + kind + ": delay "
          + delayMillis + ", jitter " + jitterMillis + ", period " + periodMillis);
    }
    if (kind == Kind.FLAPPING && periodMillis < 2) {
      throw new IllegalArgumentException("flapping needs a period of at least 2 ms");
    }
  }

  static LinkFault delay(long delayMillis, long jitterMillis) {
    return new LinkFault(Kind.DELAY, delayMillis, jitterMillis, false, 0, 0);
  }

  static LinkFault oneWay(boolean dropForward) {
    return new LinkFault(Kind.ONE_WAY, 0, 0, dropForward, 0, 0);
  }

  static LinkFault flapping(long seed, long periodMillis) {
    return new LinkFault(Kind.FLAPPING, 0, 0, false, seed, periodMillis);
  }

  /**
   * Whether a flapping link passes bytes {@code sinceMillis} after the fault was set. The
   * schedule starts with a pass period and depends only on the seed and the period.
   */
  boolean flapPasses(long sinceMillis) {
    Random r = new Random(seed);
    long t = 0;
    boolean passing = true;
    while (true) {
      t += periodMillis / 2 + (long) (r.nextDouble() * (periodMillis - periodMillis / 2));
      if (sinceMillis < t) {
        return passing;
      }
      passing = !passing;
    }
  }

  @Override
  public String toString() {
    return switch (kind) {
      case PASS, BLACKHOLE, RESET -> kind.name().toLowerCase(java.util.Locale.ROOT);
      case DELAY -> "delay " + delayMillis + "+" + jitterMillis + " ms";
      case ONE_WAY -> "one-way (drop " + (dropForward ? "forward" : "backward") + ")";
      case FLAPPING -> "flapping (period " + periodMillis + " ms, seed " + seed + ")";
    };
  }
}
