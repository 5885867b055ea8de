package io.katd.jepsen.process;

import java.util.Random;

/**
 * What a proxied peer link does to the bytes of its connections. Forward is the direction
 * of the stream (from the connecting node to the accepting one), backward its answers.
 *
 * @param kind what happens
 * @param delayMillis for {@link Kind#DELAY}: the fixed part of each chunk's delay
 * @param jitterMillis for {@link Kind#DELAY}: a uniform extra delay in [0, jitter]
 * @param ways for {@link Kind#ONE_WAY}: the direction dropped; for {@link Kind#HALF_OPEN}:
 *     the directions that stall
 * @param seed for {@link Kind#FLAPPING}: draws the lengths of the pass and blackhole periods
 * @param periodMillis for {@link Kind#FLAPPING}: the longest period; each lasts between half
 *     of it and all of it
 */
record LinkFault(Kind kind, long delayMillis, long jitterMillis, Ways ways,
    long seed, long periodMillis) {

  /** Which directions of a stream a fault acts on. */
  enum Ways {
    NONE, FORWARD, BACKWARD, BOTH;

    boolean includes(boolean forward) {
      return this == BOTH || (forward ? this == FORWARD : this == BACKWARD);
    }
  }

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
    /**
     * Every connection is closed with a TCP reset: an open one at its next chunk, after
     * forwarding only part of that chunk (so the receiver is left with a torn frame), a new
     * one as soon as its sender is known.
     */
    RESET,
    /**
     * A half-open connection: the proxy stops reading and forwarding in the stalled
     * directions but keeps both sockets open, so neither end sees a close, a reset or an
     * error; only the missing answers show it. A stalled connection stays stalled after the
     * fault is lifted, as a connection whose far end vanished does; new connections pass
     * again once it is lifted.
     */
    HALF_OPEN
  }

  static final LinkFault PASS = new LinkFault(Kind.PASS, 0, 0, Ways.NONE, 0, 0);
  static final LinkFault BLACKHOLE = new LinkFault(Kind.BLACKHOLE, 0, 0, Ways.BOTH, 0, 0);
  static final LinkFault RESET = new LinkFault(Kind.RESET, 0, 0, Ways.BOTH, 0, 0);

  LinkFault {
    if (delayMillis < 0 || jitterMillis < 0 || periodMillis < 0) {
      throw new IllegalArgumentException("negative duration in " + kind + ": delay "
          + delayMillis + ", jitter " + jitterMillis + ", period " + periodMillis);
    }
    java.util.Objects.requireNonNull(ways, "ways");
    if ((kind == Kind.ONE_WAY && (ways == Ways.NONE || ways == Ways.BOTH))
        || (kind == Kind.HALF_OPEN && ways == Ways.NONE)) {
      throw new IllegalArgumentException(kind + " cannot act on " + ways + " directions");
    }
    if (kind == Kind.FLAPPING && periodMillis < 2) {
      throw new IllegalArgumentException("flapping needs a period of at least 2 ms");
    }
  }

  static LinkFault delay(long delayMillis, long jitterMillis) {
    return new LinkFault(Kind.DELAY, delayMillis, jitterMillis, Ways.BOTH, 0, 0);
  }

  static LinkFault oneWay(boolean dropForward) {
    return new LinkFault(Kind.ONE_WAY, 0, 0, dropForward ? Ways.FORWARD : Ways.BACKWARD, 0,
        0);
  }

  /** Stalls the given directions of every connection, for good, without closing them. */
  static LinkFault halfOpen(Ways stalled) {
    return new LinkFault(Kind.HALF_OPEN, 0, 0, stalled, 0, 0);
  }

  static LinkFault flapping(long seed, long periodMillis) {
    return new LinkFault(Kind.FLAPPING, 0, 0, Ways.BOTH, seed, periodMillis);
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
      case ONE_WAY -> "one-way (drop " + ways.name().toLowerCase(java.util.Locale.ROOT) + ")";
      case HALF_OPEN -> "half-open (stall " + ways.name().toLowerCase(java.util.Locale.ROOT)
          + ")";
      case FLAPPING -> "flapping (period " + periodMillis + " ms, seed " + seed + ")";
    };
  }
}
