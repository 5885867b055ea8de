package io.katd.jepsen.check;

/** How an operation ended, as far as the client knows. */
public enum Outcome {
  /** Completed with {@code ok}: it took effect exactly once, between invoke and completion. */
  OK,
  /** Completed with {@code fail}: it did not take effect; checkers drop it. */
  FAIL,
  /**
   * Completed with {@code info} or never completed: it may have taken effect at any point
   * after its invocation (even after later operations of its own process), or never.
   */
  UNKNOWN
}
