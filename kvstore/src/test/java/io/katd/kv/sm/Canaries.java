package io.katd.kv.sm;

/** Test-only access to the state machine's planted bugs (VERIFY.md, section 4). */
public final class Canaries {

    private Canaries() {
    }

    /** Item 8: a leadership-fenced write is accepted from an old term. */
    public static void acceptFencedWritesFromAnyTerm(KvStateMachine sm) {
        sm.disableFenceCheckForCanary();
    }
}
