package io.katd.jepsen.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** A spent budget must end in UNKNOWN, never in a pass. */
class BudgetTest {

  /**
   * Eight overlapping writes and a read of each value, all after the writes: no order fits,
   * but proving it visits every order of the writes.
   */
  private static History hardHistory() {
    HistoryBuilder h = HistoryBuilder.register();
    for (int p = 0; p < 8; p++) {
      h.invoke(p, "write", p);
    }
    for (int p = 0; p < 8; p++) {
      h.ok(p, "write", p);
    }
    for (int p = 0; p < 8; p++) {
      h.complete(8, "read", null, p);
    }
    return h.build();
  }

  /** The same writes with only the last value read: linearizable. */
  private static History easyHistory() {
    HistoryBuilder h = HistoryBuilder.register();
    for (int p = 0; p < 8; p++) {
      h.invoke(p, "write", p);
    }
    for (int p = 0; p < 8; p++) {
      h.ok(p, "write", p);
    }
    return h.complete(8, "read", null, 3).build();
  }

  @Test
  void unlimitedBudgetDecides() {
    CheckResult hard = LinearizabilityChecker.check(hardHistory(), new RegisterModel(),
        Budget.unlimited());
    assertThat(hard.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(hard.steps()).isGreaterThan(1_000);
  }

  @Test
  void stepBudgetRunningOutIsUnknown() {
    CheckResult result = LinearizabilityChecker.check(hardHistory(), new RegisterModel(),
        Budget.ofSteps(100));
    assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(result.isLinearizable()).isFalse();
    assertThat(result.steps()).isEqualTo(100);
    assertThat(result.reason()).isEqualTo("step budget of 100 exhausted");
    assertThat(result.violation()).isEmpty();
  }

  @Test
  void runningOutOnALinearizableHistoryIsStillUnknown() {
    History easy = easyHistory();
    long needed = LinearizabilityChecker.check(easy, new RegisterModel(), Budget.unlimited())
        .steps();
    assertThat(LinearizabilityChecker.check(easy, new RegisterModel(), Budget.ofSteps(needed))
        .verdict()).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(LinearizabilityChecker.check(easy, new RegisterModel(),
        Budget.ofSteps(needed - 1)).verdict()).isEqualTo(Verdict.UNKNOWN);
  }

  @Test
  void timeBudgetUsesTheInjectedClock() {
    // Every read of this clock moves it one millisecond forward; nothing here sleeps.
    long[] now = {0};
    LongSupplier clock = () -> now[0] += 1_000_000;
    CheckResult result = LinearizabilityChecker.check(hardHistory(), new RegisterModel(),
        Budget.ofTime(Duration.ofMillis(3), clock));

    assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(result.reason()).startsWith("time budget of PT0.003S exhausted");
    // Read at the start (1 ms) and before steps 1, 257 and 513 (2, 3 and 4 ms).
    assertThat(result.steps()).isEqualTo(2L * Budget.CLOCK_INTERVAL_STEPS);
  }

  @Test
  void timeBudgetThatIsNotReachedDoesNotChangeTheVerdict() {
    LongSupplier frozen = () -> 42L;
    CheckResult result = LinearizabilityChecker.check(hardHistory(), new RegisterModel(),
        Budget.ofTime(Duration.ofNanos(1), frozen));
    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void stepsAreSharedByAllParts() {
    HistoryBuilder h = HistoryBuilder.kv("a");
    for (String key : new String[] {"a", "b", "c"}) {
      h.add(0, EventType.INVOKE, "put", key, "v");
      h.add(0, EventType.OK, "put", key, "v");
    }
    CheckResult result = LinearizabilityChecker.check(h.build(), new KvModel(),
        Budget.ofSteps(2));
    assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(result.partitions()).isEqualTo(3);
  }
}
