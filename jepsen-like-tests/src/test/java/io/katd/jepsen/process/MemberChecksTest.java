package io.katd.jepsen.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.jepsen.check.Finding;
import io.katd.jepsen.check.KvEvent;
import io.katd.jepsen.check.LostWriteChecker;
import io.katd.jepsen.check.WatchStream;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The per-member end checks, on recorded member views. */
class MemberChecksTest {
  private static final String A = RegisterClient.PREFIX + "a";
  private static final String B = RegisterClient.PREFIX + "b";
  private static final String FINAL = ProcessRun.FINAL_KEY;

  // Acknowledged: a=1 at 2, b=1 at 3, a=2 at 4, the final write at 5.
  private static final List<LostWriteChecker.Acked> ACKED = List.of(
      new LostWriteChecker.Acked(A, "1", 2), new LostWriteChecker.Acked(B, "1", 3),
      new LostWriteChecker.Acked(A, "2", 4), new LostWriteChecker.Acked(FINAL, "f", 5));

  private static SortedMap<Long, List<KvEvent>> fullHistory() {
    SortedMap<Long, List<KvEvent>> h = new TreeMap<>();
    h.put(2L, List.of(KvEvent.put(A, "1", 2, 2, 1)));
    h.put(3L, List.of(KvEvent.put(B, "1", 3, 3, 1)));
    h.put(4L, List.of(KvEvent.put(A, "2", 4, 2, 2)));
    h.put(5L, List.of(KvEvent.put(FINAL, "f", 5, 5, 1)));
    return h;
  }

  private static final Map<String, String> FULL_STATE = Map.of(A, "2", B, "1", FINAL, "f");

  private static MemberView healthy(int index) {
    return new MemberView(index, "n" + (index + 1), 1, 5, fullHistory(), FULL_STATE);
  }

  private static WatchStream clientStream(SortedMap<Long, List<KvEvent>> seen) {
    List<WatchStream.Delivery> d = seen.entrySet().stream()
        .map(e -> new WatchStream.Delivery(e.getKey(), e.getValue())).toList();
    return new WatchStream("client", RegisterClient.PREFIX, 1, d, 5);
  }

  private static Finding finding(List<Finding> all, String checker) {
    return all.stream().filter(f -> f.checker().equals(checker)).findFirst().orElseThrow();
  }

  @Test
  void membersThatAllHoldEveryAcknowledgedWritePass() {
    List<Finding> all = MemberChecks.check(ACKED, List.of(healthy(0), healthy(1), healthy(2)),
        5, List.of(clientStream(fullHistory())));

    assertThat(all).extracting(Finding::checker).containsExactly(LostWriteChecker.NAME,
        MemberChecks.HISTORIES, "watch");
    assertThat(all).allMatch(Finding::valid, "every finding valid");
  }

  @Test
  void aSecondMemberMissingAnAcknowledgedWriteIsFlaggedByName() {
    SortedMap<Long, List<KvEvent>> lacking = fullHistory();
    lacking.remove(3L);
    MemberView n2 = new MemberView(1, "n2", 1, 5, lacking, Map.of(A, "2", FINAL, "f"));

    List<Finding> all = MemberChecks.check(ACKED, List.of(healthy(0), n2, healthy(2)), 5,
        List.of(clientStream(fullHistory())));

    Finding lost = finding(all, LostWriteChecker.NAME);
    assertThat(lost.valid()).isFalse();
    assertThat(lost.detail()).contains("member n2").contains("put " + B + "=1")
        .contains("revision 3");
    assertThat(finding(all, MemberChecks.HISTORIES).detail()).contains("n1 and n2")
        .contains("revision 3");
    assertThat(finding(all, "watch").detail()).contains("member n2");
  }

  @Test
  void aMemberWhoseFinalStateLostAWriteItsHistoryShowsIsFlagged() {
    MemberView n3 = new MemberView(2, "n3", 1, 5, fullHistory(), Map.of(A, "2", FINAL, "f"));

    Finding lost = finding(MemberChecks.check(ACKED, List.of(healthy(0), healthy(1), n3), 5,
        List.of()), LostWriteChecker.NAME);

    assertThat(lost.valid()).isFalse();
    assertThat(lost.detail()).startsWith("on member n3:").contains("ended with");
  }

  @Test
  void aMemberWhoseHistoryStopsBeforeTheFinalWriteIsFlagged() {
    SortedMap<Long, List<KvEvent>> short4 = fullHistory();
    short4.remove(5L);
    MemberView n3 = new MemberView(2, "n3", 1, 4, short4, FULL_STATE);

    Finding lost = finding(MemberChecks.check(ACKED, List.of(healthy(0), healthy(1), n3), 5,
        List.of()), LostWriteChecker.NAME);

    assertThat(lost.detail()).contains("n3's history stops at revision 4");
  }

  @Test
  void aMemberThatGaveNoFinalStateIsFlagged() {
    MemberView n1 = new MemberView(0, "n1", 1, 5, fullHistory(), null);

    Finding lost = finding(MemberChecks.check(ACKED, List.of(n1), 5, List.of()),
        LostWriteChecker.NAME);

    assertThat(lost.detail()).isEqualTo("member n1 gave no final state");
  }

  @Test
  void aCompactedMemberIsCheckedFromItsCompactionPointOnly() {
    SortedMap<Long, List<KvEvent>> fromFour = new TreeMap<>(fullHistory().tailMap(4L));
    MemberView n2 = new MemberView(1, "n2", 4, 5, fromFour, FULL_STATE);

    List<Finding> all = MemberChecks.check(ACKED, List.of(healthy(0), n2), 5,
        List.of(clientStream(fullHistory())));

    assertThat(all).allMatch(Finding::valid, "every finding valid");
  }

  @Test
  void aCompactedMemberMissingAWriteAfterItsCompactionPointIsFlagged() {
    SortedMap<Long, List<KvEvent>> fromFour = new TreeMap<>(fullHistory().tailMap(4L));
    fromFour.remove(4L);
    MemberView n2 = new MemberView(1, "n2", 4, 5, fromFour, FULL_STATE);

    Finding lost = finding(MemberChecks.check(ACKED, List.of(healthy(0), n2), 5, List.of()),
        LostWriteChecker.NAME);

    assertThat(lost.detail()).contains("member n2").contains("revision 4");
  }
}
