package io.katd.jepsen.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WatchCheckerTest {
  private static final KvEvent A2 = KvEvent.put("/a", "1", 2, 2, 1);
  private static final KvEvent B3 = KvEvent.put("/b", "2", 3, 3, 1);
  private static final KvEvent A4 = KvEvent.put("/a", "3", 4, 2, 2);
  private static final KvEvent C4 = KvEvent.put("/c", "4", 4, 4, 1);
  private static final KvEvent A5 = KvEvent.delete("/a", 5);

  private static SortedMap<Long, List<KvEvent>> committed() {
    SortedMap<Long, List<KvEvent>> c = new TreeMap<>();
    c.put(2L, List.of(A2));
    c.put(3L, List.of(B3));
    c.put(4L, List.of(A4, C4));
    c.put(5L, List.of(A5));
    return c;
  }

  private static WatchStream.Delivery d(long rev, KvEvent... events) {
    return new WatchStream.Delivery(rev, List.of(events));
  }

  private static Finding check(String prefix, long start, long caughtUpTo,
      WatchStream.Delivery... ds) {
    return WatchChecker.check(committed(), List.of(new WatchStream("w", prefix, start,
        List.of(ds), caughtUpTo)));
  }

  @Test
  void aCompleteOrderedStreamPasses() {
    assertThat(check("/", 1, 5, d(2, A2), d(3, B3), d(4, A4, C4), d(5, A5)).valid()).isTrue();
    assertThat(check("/a", 3, 5, d(4, A4), d(5, A5)).valid()).isTrue();
  }

  @Test
  void aStreamThatStoppedEarlyIsCheckedOnlyUpToWhereItWasCaughtUp() {
    assertThat(check("/a", 1, 2, d(2, A2)).valid()).isTrue();
  }

  @Test
  void aRepeatedRevisionFails() {
    Finding f = check("/a", 1, 5, d(2, A2), d(4, A4), d(4, A4), d(5, A5));
    assertThat(f.valid()).isFalse();
    assertThat(f.detail()).contains("out of order or repeated");
  }

  @Test
  void aGapFails() {
    Finding f = check("/a", 1, 5, d(2, A2), d(5, A5));
    assertThat(f.valid()).isFalse();
    assertThat(f.detail()).contains("missed revision 4");
  }

  @Test
  void aMissingTailFails() {
    assertThat(check("/a", 1, 5, d(2, A2), d(4, A4)).valid()).isFalse();
  }

  @Test
  void aSplitRevisionFails() {
    Finding f = check("/", 1, 5, d(2, A2), d(3, B3), d(4, A4), d(4, C4), d(5, A5));
    assertThat(f.valid()).isFalse();
    assertThat(f.detail()).contains("revision 4 delivered");
  }

  @Test
  void aWrongValueFails() {
    assertThat(check("/a", 1, 5, d(2, KvEvent.put("/a", "x", 2, 2, 1)), d(4, A4), d(5, A5))
        .valid()).isFalse();
  }

  @Test
  void anEventOutsideThePrefixFails() {
    assertThat(check("/a", 1, 5, d(2, A2), d(3, B3), d(4, A4), d(5, A5)).valid()).isFalse();
  }
}
