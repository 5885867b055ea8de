package io.katd.jepsen.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Properties of the search itself rather than of a model. */
class WglSearchTest {

  /**
   * Twelve overlapping writes followed by reads that no order explains. Without memoisation
   * the search tries every order of the writes (12! is about 479 million); with it, each
   * (set of writes, last value) pair is visited once (about 2^12 * 12).
   */
  @Test
  void memoisationKeepsConcurrentWritesTractable() {
    HistoryBuilder h = HistoryBuilder.register();
    int writers = 12;
    for (int p = 0; p < writers; p++) {
      h.invoke(p, "write", p);
    }
    for (int p = 0; p < writers; p++) {
      h.ok(p, "write", p);
    }
    h.complete(writers, "read", null, 0).complete(writers, "read", null, 1);

    CheckResult result = LinearizabilityChecker.check(h.build(), new RegisterModel(),
        Budget.ofSteps(2_000_000));
    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void sameVerdictAndStepsOnEveryRun() {
    HistoryBuilder h = HistoryBuilder.register();
    for (int p = 0; p < 6; p++) {
      h.invoke(p, "write", p % 3);
    }
    for (int p = 0; p < 6; p++) {
      h.ok(p, "write", p % 3);
    }
    h.complete(6, "read", null, 2).complete(6, "read", null, 0);
    History history = h.build();
    CheckResult first = LinearizabilityChecker.check(history, new RegisterModel(),
        Budget.unlimited());
    CheckResult second = LinearizabilityChecker.check(history, new RegisterModel(),
        Budget.unlimited());
    assertThat(second).isEqualTo(first);
  }

  @Test
  void unknownOperationsAloneAreTriviallyLinearizable() {
    HistoryBuilder h = HistoryBuilder.register();
    for (int p = 0; p < 30; p++) {
      h.invoke(p, "write", p);
    }
    CheckResult result = LinearizabilityChecker.check(h.build(), new RegisterModel(),
        Budget.ofSteps(1));
    assertThat(result.verdict()).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(result.steps()).isZero();
  }
}
