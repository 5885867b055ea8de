package io.katd.jepsen.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The multi-key get/put/append model and the per-key split. */
class KvCheckerTest {

  private static CheckResult check(HistoryBuilder history, Model<?> model) {
    return LinearizabilityChecker.check(history.build(), model, Budget.ofSteps(1_000_000));
  }

  private static HistoryBuilder on(HistoryBuilder h, String key, int process, String f,
      Object argument, Object result) {
    h.add(process, EventType.INVOKE, f, key, argument);
    return h.add(process, EventType.OK, f, key, result);
  }

  @Test
  void unwrittenKeyReadsEmpty() {
    HistoryBuilder h = HistoryBuilder.kv("k").complete(0, "get", null, "");
    assertThat(check(h, new KvModel()).verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void appendsConcatenateInLinearizationOrder() {
    HistoryBuilder h = HistoryBuilder.kv("k")
        .invoke(0, "append", "a").invoke(1, "append", "b")
        .ok(1, "append", "b").ok(0, "append", "a")
        .complete(2, "get", null, "ba");
    assertThat(check(h, new KvModel()).verdict()).isEqualTo(Verdict.LINEARIZABLE);

    HistoryBuilder lost = HistoryBuilder.kv("k")
        .complete(0, "append", "a", "a").complete(1, "append", "b", "b")
        .complete(2, "get", null, "b");
    assertThat(check(lost, new KvModel()).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void putReplacesTheValue() {
    HistoryBuilder h = HistoryBuilder.kv("k")
        .complete(0, "append", "a", "a").complete(0, "put", "z", "z")
        .complete(0, "append", "b", "b").complete(1, "get", null, "zb");
    assertThat(check(h, new KvModel()).verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void keysAreCheckedIndependentlyAndTheBadKeyIsNamed() {
    HistoryBuilder h = HistoryBuilder.kv("unused");
    on(h, "a", 0, "put", "1", "1");
    on(h, "b", 1, "put", "2", "2");
    on(h, "a", 2, "get", null, "1");
    on(h, "b", 3, "get", null, "3");
    CheckResult result = check(h, new KvModel());

    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.partitions()).isEqualTo(2);
    Violation violation = result.violation().orElseThrow();
    assertThat(violation.partition()).isEqualTo("b");
    assertThat(violation.stuck().f()).isEqualTo("get");
    assertThat(violation.describe()).startsWith("key b: ");
  }

  @Test
  void splitAndWholeHistoryAgree() {
    // The same model without the split, to show that splitting does not change verdicts.
    KvModel split = new KvModel();
    Model<KvModel.State> whole = new Model<>() {
      @Override public String name() {
        return "kv-whole";
      }
      @Override public KvModel.State initialState() {
        return split.initialState();
      }
      @Override public void validate(Operation op) {
        split.validate(op);
      }
      @Override public KvModel.State step(KvModel.State state, Operation op) {
        return split.step(state, op);
      }
      @Override public boolean isReadOnly(Operation op) {
        return split.isReadOnly(op);
      }
    };
    for (String seenOnB : List.of("y", "yx", "")) {
      HistoryBuilder h = HistoryBuilder.kv("unused");
      h.add(0, EventType.INVOKE, "append", "a", "x");
      h.add(1, EventType.INVOKE, "append", "b", "y");
      h.add(0, EventType.OK, "append", "a", "x");
      on(h, "b", 2, "get", null, seenOnB);
      h.add(1, EventType.OK, "append", "b", "y");
      on(h, "a", 2, "get", null, "x");
      CheckResult byKey = check(h, split);
      assertThat(byKey.partitions()).isEqualTo(2);
      assertThat(check(h, whole).verdict()).as("get b -> %s", seenOnB)
          .isEqualTo(byKey.verdict());
    }
  }

  @Test
  void modelRejectsWhatItCannotInterpret() {
    HistoryBuilder noKey = HistoryBuilder.register().complete(0, "get", null, "");
    assertThatThrownBy(() -> check(noKey, new KvModel()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without key");

    HistoryBuilder unknownF = HistoryBuilder.kv("k").complete(0, "increment", null, null);
    assertThatThrownBy(() -> check(unknownF, new KvModel()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no function");

    HistoryBuilder badCas = HistoryBuilder.register().complete(0, "cas", 1L, 1L);
    assertThatThrownBy(() -> check(badCas, new RegisterModel()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[expected new]");
  }
}
