package io.katd.jepsen.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Pairing events into operations, and the sequences that are not histories. */
class HistoryTest {

  @Test
  void pairsInvocationsWithCompletionsInInvocationOrder() {
    History h = HistoryBuilder.register()
        .invoke(0, "write", 1).invoke(1, "read", null).invoke(2, "cas", List.of(1, 2))
        .ok(1, "read", 1).fail(2, "cas", List.of(1, 2)).info(0, "write", ":timed-out")
        .invoke(3, "write", 9)
        .build();
    List<Operation> ops = h.operations();

    assertThat(ops).extracting(Operation::id).containsExactly(0, 1, 2, 3);
    assertThat(ops).extracting(Operation::outcome).containsExactly(Outcome.UNKNOWN,
        Outcome.OK, Outcome.FAIL, Outcome.UNKNOWN);
    assertThat(ops.get(1).result()).isEqualTo(1L);
    assertThat(ops.get(2).value()).isEqualTo(List.of(1L, 2L));
    assertThat(ops.get(0).result()).as("nothing observed").isNull();
    assertThat(ops.get(0).completeIndex()).isEqualTo(5);
    assertThat(ops.get(3).completion()).isNull();
    assertThat(ops.get(3).completeIndex()).isEqualTo(Operation.NEVER);
    assertThat(ops.get(1)).hasToString("#1 p1 read nil -> 1 [OK]");
  }

  @Test
  void processMayInvokeAgainAfterAnUnknownOutcome() {
    History h = HistoryBuilder.register()
        .invoke(0, "write", 1).info(0, "write", null).complete(0, "read", null, 1)
        .build();
    assertThat(h.operations()).hasSize(2);
  }

  @Test
  void completionWithoutInvocationIsRejectedWithItsLine() {
    HistoryBuilder h = HistoryBuilder.register().invoke(0, "write", 1).ok(1, "write", 1);
    assertThatThrownBy(h::build).isInstanceOf(HistoryFormatException.class)
        .hasMessage("test:2: process 1 completes write but has no open invocation");
  }

  @Test
  void secondInvocationWhileOpenIsRejected() {
    HistoryBuilder h = HistoryBuilder.register().invoke(0, "write", 1).invoke(0, "read", null);
    assertThatThrownBy(h::build).isInstanceOf(HistoryFormatException.class)
        .hasMessageContaining("test:2: process 0 invokes read while its operation from line 1");
  }

  @Test
  void completionOfAnotherFunctionIsRejected() {
    HistoryBuilder h = HistoryBuilder.register().invoke(0, "write", 1).ok(0, "read", 1);
    assertThatThrownBy(h::build).isInstanceOf(HistoryFormatException.class)
        .hasMessageContaining("completion read does not match invocation write");
  }

  @Test
  void eventValuesAreNormalisedAndChecked() {
    Event e = Event.of(0, EventType.INVOKE, "cas", null, List.of(1, 2));
    assertThat(e.value()).isEqualTo(List.of(1L, 2L));
    assertThat(e.hasTime()).isFalse();
    assertThatThrownBy(() -> Event.of(0, EventType.OK, "read", null, 1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
