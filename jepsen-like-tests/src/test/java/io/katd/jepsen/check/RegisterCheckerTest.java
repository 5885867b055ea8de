package io.katd.jepsen.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Small hand-written register histories with verdicts one can check on paper. */
class RegisterCheckerTest {

  private static Verdict verdict(HistoryBuilder history) {
    return check(history).verdict();
  }

  private static CheckResult check(HistoryBuilder history) {
    return LinearizabilityChecker.check(history.build(), new RegisterModel(),
        Budget.ofSteps(1_000_000));
  }

  private static HistoryBuilder write(HistoryBuilder h, int process, int value) {
    return h.complete(process, "write", value, value);
  }

  private static HistoryBuilder read(HistoryBuilder h, int process, Integer value) {
    return h.complete(process, "read", null, value);
  }

  @Test
  void emptyHistoryIsLinearizable() {
    assertThat(verdict(HistoryBuilder.register())).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void registerStartsUnset() {
    assertThat(verdict(read(HistoryBuilder.register(), 0, null)))
        .isEqualTo(Verdict.LINEARIZABLE);
    assertThat(verdict(read(write(HistoryBuilder.register(), 0, 1), 1, null)))
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void staleReadIsNotLinearizable() {
    HistoryBuilder h = HistoryBuilder.register();
    write(h, 0, 1);
    write(h, 1, 2);
    read(h, 2, 1);
    CheckResult result = check(h);

    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    Violation violation = result.violation().orElseThrow();
    assertThat(violation.linearizedPrefix()).extracting(Operation::id).containsExactly(0, 1);
    assertThat(violation.stuck().id()).isEqualTo(2);
    assertThat(violation.stateAfterPrefix()).isEqualTo("2");
    assertThat(result.describe()).contains("could not linearize #2 p2 read nil -> 1");
  }

  @Test
  void concurrentWritesMayTakeEffectInEitherOrder() {
    for (int seen : new int[] {1, 2}) {
      HistoryBuilder h = HistoryBuilder.register()
          .invoke(0, "write", 1).invoke(1, "write", 2)
          .ok(0, "write", 1).ok(1, "write", 2);
      read(h, 2, seen);
      read(h, 3, seen);
      assertThat(verdict(h)).as("both reads see %d", seen).isEqualTo(Verdict.LINEARIZABLE);
    }
  }

  @Test
  void concurrentWritesStillHaveOneOrder() {
    HistoryBuilder h = HistoryBuilder.register()
        .invoke(0, "write", 1).invoke(1, "write", 2)
        .ok(0, "write", 1).ok(1, "write", 2);
    read(h, 2, 1);
    read(h, 3, 2);
    assertThat(verdict(h)).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void readConcurrentWithWriteMaySeeEitherValue() {
    for (Integer seen : new Integer[] {null, 5}) {
      HistoryBuilder h = HistoryBuilder.register()
          .invoke(0, "write", 5).invoke(1, "read", null)
          .ok(1, "read", seen).ok(0, "write", 5);
      assertThat(verdict(h)).as("read sees %s", seen).isEqualTo(Verdict.LINEARIZABLE);
    }
  }

  @Test
  void unknownWriteMayHaveTakenEffect() {
    HistoryBuilder h = write(HistoryBuilder.register(), 0, 1)
        .invoke(1, "write", 2).info(1, "write", null);
    read(h, 2, 2);
    assertThat(verdict(h)).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void unknownWriteMayNeverHaveTakenEffect() {
    HistoryBuilder h = write(HistoryBuilder.register(), 0, 1)
        .invoke(1, "write", 2).info(1, "write", null);
    read(h, 2, 1);
    read(h, 3, 1);
    assertThat(verdict(h)).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void unknownWriteMayTakeEffectLongAfterItsTimeout() {
    HistoryBuilder h = HistoryBuilder.register().invoke(1, "write", 2).info(1, "write", null);
    write(h, 0, 1);
    read(h, 2, 1);
    read(h, 2, 2);
    assertThat(verdict(h)).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void unknownWriteTakesEffectAtMostOnceAndNotBeforeItsInvocation() {
    HistoryBuilder once = write(HistoryBuilder.register(), 0, 1)
        .invoke(1, "write", 2).info(1, "write", null);
    read(once, 2, 2);
    read(once, 2, 1);
    assertThat(verdict(once)).as("effect undone").isEqualTo(Verdict.NOT_LINEARIZABLE);

    HistoryBuilder early = read(HistoryBuilder.register(), 2, 2)
        .invoke(1, "write", 2).info(1, "write", null);
    assertThat(verdict(early)).as("read before invoke").isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void operationOpenAtTheEndIsUnknown() {
    HistoryBuilder h = write(HistoryBuilder.register(), 0, 1).invoke(1, "write", 2);
    read(h, 2, 2);
    read(h, 3, 2);
    assertThat(verdict(h)).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void failedWriteDidNotHappen() {
    HistoryBuilder h = write(HistoryBuilder.register(), 0, 1)
        .invoke(1, "write", 2).fail(1, "write", 2);
    assertThat(verdict(read(h, 2, 2))).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void failedCasDidNotHappen() {
    HistoryBuilder h = write(HistoryBuilder.register(), 0, 0)
        .invoke(1, "cas", List.of(0, 1)).fail(1, "cas", List.of(0, 1));
    read(h, 2, 0);
    assertThat(verdict(h)).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void successfulCasNeedsTheExpectedValue() {
    HistoryBuilder good = write(HistoryBuilder.register(), 0, 0)
        .complete(1, "cas", List.of(0, 1), List.of(0, 1));
    assertThat(verdict(read(good, 2, 1))).isEqualTo(Verdict.LINEARIZABLE);

    HistoryBuilder bad = write(HistoryBuilder.register(), 0, 0)
        .complete(1, "cas", List.of(3, 1), List.of(3, 1));
    assertThat(verdict(bad)).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void unknownCasMayOrMayNotHaveSwapped() {
    for (int seen : new int[] {0, 1}) {
      HistoryBuilder h = write(HistoryBuilder.register(), 0, 0)
          .invoke(1, "cas", List.of(0, 1)).info(1, "cas", ":timed-out");
      read(h, 2, seen);
      assertThat(verdict(h)).as("read sees %d", seen).isEqualTo(Verdict.LINEARIZABLE);
    }
    HistoryBuilder wrongExpectation = write(HistoryBuilder.register(), 0, 0)
        .invoke(1, "cas", List.of(7, 1)).info(1, "cas", ":timed-out");
    read(wrongExpectation, 2, 1);
    assertThat(verdict(wrongExpectation)).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void readsThatFailedOrTimedOutConstrainNothing() {
    HistoryBuilder h = write(HistoryBuilder.register(), 0, 1)
        .invoke(1, "read", null).fail(1, "read", ":timed-out")
        .invoke(2, "read", null).info(2, "read", ":timed-out");
    CheckResult result = check(h);
    assertThat(result.verdict()).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(result.operations()).isEqualTo(1);
  }
}
