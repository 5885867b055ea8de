package io.katd.jepsen.check;

/** The answer of a checker. */
public enum Verdict {
  /** A valid linearization was found. */
  LINEARIZABLE,
  /** The search proved that no linearization exists. */
  NOT_LINEARIZABLE,
  /** The budget ran out first; this is never a pass. */
  UNKNOWN
}
