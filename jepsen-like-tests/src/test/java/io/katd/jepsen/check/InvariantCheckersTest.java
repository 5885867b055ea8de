package io.katd.jepsen.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Lost writes, convergence and fencing over hand-made histories. */
class InvariantCheckersTest {
  private static SortedMap<Long, List<KvEvent>> committed() {
    SortedMap<Long, List<KvEvent>> c = new TreeMap<>();
    c.put(2L, List.of(KvEvent.put("/a", "1", 2, 2, 1)));
    c.put(3L, List.of(KvEvent.put("/b", "2", 3, 3, 1)));
    c.put(4L, List.of(KvEvent.delete("/a", 4)));
    return c;
  }

  @Test
  void acknowledgedWritesInTheHistoryAndMatchingFinalStatesPass() {
    List<LostWriteChecker.Acked> acked = List.of(new LostWriteChecker.Acked("/a", "1", 2),
        new LostWriteChecker.Acked("/a", null, 4));
    assertThat(LostWriteChecker.check(acked, committed(), Map.of(1L, Map.of("/b", "2"),
        2L, Map.of("/b", "2"))).valid()).isTrue();
  }

  @Test
  void anAcknowledgedWriteMissingFromTheHistoryFails() {
    Finding f = LostWriteChecker.check(List.of(new LostWriteChecker.Acked("/b", "9", 3)),
        committed(), Map.of());
    assertThat(f.valid()).isFalse();
    assertThat(f.detail()).contains("put /b=9");
  }

  @Test
  void aNodeWhoseFinalStateLostAWriteFails() {
    Finding f = LostWriteChecker.check(List.of(), committed(), Map.of(1L, Map.of("/b", "2"),
        2L, Map.of()));
    assertThat(f.valid()).isFalse();
    assertThat(f.detail()).startsWith("node 2");
  }

  @Test
  void convergencePassesOnlyWhenEveryNodeAgrees() {
    var same = new ConvergenceChecker.NodeState(10, 5, 77);
    assertThat(ConvergenceChecker.check(Map.of(1L, same, 2L, same)).valid()).isTrue();
    assertThat(ConvergenceChecker.check(Map.of(1L, same,
        2L, new ConvergenceChecker.NodeState(10, 5, 78))).valid()).isFalse();
    assertThat(ConvergenceChecker.check(Map.of(1L, same,
        2L, new ConvergenceChecker.NodeState(9, 5, 77))).valid()).isFalse();
    assertThat(ConvergenceChecker.check(Map.of()).valid()).isFalse();
  }

  @Test
  void fencedWritesInTermOrderFromOneLeaderPerTermPass() {
    List<FencingChecker.Claim> claims = List.of(new FencingChecker.Claim(1, 2),
        new FencingChecker.Claim(2, 3));
    List<FencingChecker.Applied> applied = List.of(new FencingChecker.Applied(5, 2, 1, true),
        new FencingChecker.Applied(6, 3, 2, true), new FencingChecker.Applied(7, 2, 1, false));
    assertThat(FencingChecker.check(claims, applied).valid()).isTrue();
  }

  @Test
  void twoLeadersInOneTermFail() {
    Finding f = FencingChecker.check(List.of(new FencingChecker.Claim(1, 2),
        new FencingChecker.Claim(2, 2)), List.of());
    assertThat(f.valid()).isFalse();
    assertThat(f.detail()).contains("term 2");
  }

  @Test
  void aDeposedLeadersWriteAfterItsSuccessorsFails() {
    Finding f = FencingChecker.check(List.of(), List.of(
        new FencingChecker.Applied(6, 3, 2, true), new FencingChecker.Applied(7, 2, 1, true)));
    assertThat(f.valid()).isFalse();
    assertThat(f.detail()).contains("index 7");
  }

  @Test
  void aFencedWriteFromANodeThatDidNotLeadItsTermFails() {
    assertThat(FencingChecker.check(List.of(new FencingChecker.Claim(1, 3)), List.of(
        new FencingChecker.Applied(6, 3, 2, true))).valid()).isFalse();
  }

  private static Verdict kv(HistoryBuilder h) {
    return LinearizabilityChecker.check(h.build(), new KvModel(), Budget.unlimited())
        .verdict();
  }

  @Test
  void theKvModelChecksDeletesAndCompareAndSwap() {
    assertThat(kv(HistoryBuilder.kv("/k").complete(0, "put", "a", "a")
        .complete(0, "delete", null, null).complete(1, "get", null, "")
        .complete(1, "cas", List.of("", "b"), List.of("", "b")).complete(0, "get", null, "b")))
        .isEqualTo(Verdict.LINEARIZABLE);
    assertThat(kv(HistoryBuilder.kv("/k").complete(0, "put", "a", "a")
        .complete(0, "delete", null, null).complete(1, "get", null, "a")))
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(kv(HistoryBuilder.kv("/k").complete(0, "put", "a", "a")
        .complete(1, "cas", List.of("", "b"), List.of("", "b"))))
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
  }
}
