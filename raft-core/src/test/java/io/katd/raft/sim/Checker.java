package io.katd.raft.sim;

/**
 * An invariant over the simulator's history. It sees every {@link Event} in order, keeps
 * whatever state it needs, and throws {@link InvariantViolation} at the first event that
 * breaks the invariant. Checkers know nothing of the simulator, so a test can feed them a
 * hand-built trace.
 */
interface Checker {
    void on(Event e);
}
