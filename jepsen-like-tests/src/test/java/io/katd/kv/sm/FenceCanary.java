package io.katd.kv.sm;

/**
 * Reaches the state machine's package-private fencing canary (VERIFY.md, section 4, item 8)
 * from the simulation's tests; production code has no way to it.
 */
public final class FenceCanary {
  private FenceCanary() {}

  public static void plant(KvStateMachine sm) {
    sm.disableFenceCheckForCanary();
  }
}
