package io.katd.jepsen.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Jepsen log and EDN map formats. */
class ParsersTest {

  private static History log(String... lines) throws IOException {
    return JepsenLogParser.parse("etcd.log", new StringReader(String.join("\n", lines)));
  }

  private static History edn(String... lines) throws IOException {
    return EdnHistoryParser.parse("kv.txt", new StringReader(String.join("\n", lines)));
  }

  @Test
  void readsJepsenLogEventsSeparatedByTabsOrSpaces() throws IOException {
    History h = log(
        "INFO  jepsen.util - 3\t:invoke\t:write\t4",
        "INFO  jepsen.util - 1   :invoke :cas    [4 0]",
        "INFO  jepsen.util - 3\t:ok\t:write\t4",
        "INFO  jepsen.util - 0\t:invoke\t:read\tnil",
        "INFO  jepsen.util - 1\t:fail\t:cas\t[4 0]",
        "INFO  jepsen.util - 0\t:ok\t:read\t4",
        "INFO  jepsen.util - 2\t:invoke\t:write\t1",
        "INFO  jepsen.util - 2\t:info\t:write\t:timed-out");

    assertThat(h.events()).containsExactly(
        Event.of(3, EventType.INVOKE, "write", null, 4L),
        Event.of(1, EventType.INVOKE, "cas", null, List.of(4L, 0L)),
        Event.of(3, EventType.OK, "write", null, 4L),
        Event.of(0, EventType.INVOKE, "read", null, null),
        Event.of(1, EventType.FAIL, "cas", null, List.of(4L, 0L)),
        Event.of(0, EventType.OK, "read", null, 4L),
        Event.of(2, EventType.INVOKE, "write", null, 1L),
        Event.of(2, EventType.INFO, "write", null, ":timed-out"));
    assertThat(h.operations()).extracting(Operation::outcome).containsExactly(Outcome.OK,
        Outcome.FAIL, Outcome.OK, Outcome.UNKNOWN);
  }

  @Test
  void skipsLinesThatAreNotClientEvents() throws IOException {
    History h = log(
        "",
        "INFO  jepsen.core - Worker 0 starting",
        "INFO  jepsen.util - :nemesis\t:info\t:start\tnil",
        "INFO  jepsen.util - 0\t:invoke\t:read\tnil",
        "WARN  some.other.logger - 12 things happened",
        "INFO  jepsen.util - 0\t:ok\t:read\tnil");
    assertThat(h.events()).hasSize(2);
    assertThat(h.lineOf(0)).isEqualTo(4);
    assertThat(h.lineOf(1)).isEqualTo(6);
  }

  @Test
  void malformedLogEventsNameFileAndLine() {
    assertThatThrownBy(() -> log("INFO  jepsen.util - 3\t:invoke\t:write\t4",
        "INFO  jepsen.util - 3\t:done\t:write\t4"))
        .isInstanceOf(HistoryFormatException.class)
        .hasMessage("etcd.log:2: unknown event type :done")
        .satisfies(e -> assertThat(((HistoryFormatException) e).line()).isEqualTo(2));
    assertThatThrownBy(() -> log("x", "INFO  jepsen.util - 3\t:invoke\t:write"))
        .hasMessageStartingWith("etcd.log:2: expected ':type :f value'");
    assertThatThrownBy(() -> log("INFO  jepsen.util - 3\t:invoke\t:cas\t[4 0"))
        .hasMessage("etcd.log:1: missing ']' at column 36");
    assertThatThrownBy(() -> log("INFO  jepsen.util - 3\t:invoke\t:write\tfour"))
        .hasMessage("etcd.log:1: unsupported EDN value 'four' at column 38");
  }

  @Test
  void invalidSequenceInALogNamesTheLine() {
    assertThatThrownBy(() -> log("noise", "INFO  jepsen.util - 3\t:ok\t:write\t4"))
        .hasMessage("etcd.log:2: process 3 completes write but has no open invocation");
  }

  @Test
  void readsEdnMaps() throws IOException {
    History h = edn(
        "{:process 9, :type :invoke, :f :append, :key \"0\", :value \"x 9 0 y\"}",
        "",
        "; a comment",
        "{:process :nemesis, :type :info, :f :start, :value nil}",
        "{:process 9, :type :ok, :f :append, :key \"0\", :value \"x 9 0 y\", :time 77}",
        "{:type :invoke, :process 4, :f :get, :key 12, :value nil, :index 3}");

    assertThat(h.events()).containsExactly(
        Event.of(9, EventType.INVOKE, "append", "0", "x 9 0 y"),
        new Event(9, EventType.OK, "append", "0", "x 9 0 y", 77),
        Event.of(4, EventType.INVOKE, "get", "12", null));
    assertThat(Arrays.asList(h.lineOf(0), h.lineOf(1), h.lineOf(2))).containsExactly(1, 5, 6);
  }

  @Test
  void malformedEdnLinesNameFileAndLine() {
    assertThatThrownBy(() -> edn("{:process 1, :type :invoke, :key \"0\"}"))
        .isInstanceOf(HistoryFormatException.class).hasMessage("kv.txt:1: missing :f");
    assertThatThrownBy(() -> edn("", "{:process 1, :type :begin, :f :get}"))
        .hasMessage("kv.txt:2: :type must be :invoke, :ok, :fail or :info");
    assertThatThrownBy(() -> edn("{:process 1 :type}"))
        .hasMessage("kv.txt:1: map with an odd number of forms at column 1");
    assertThatThrownBy(() -> edn("{:process 1, :type :ok, :f :get, :value \"abc}"))
        .hasMessageStartingWith("kv.txt:1: unterminated string");
    assertThatThrownBy(() -> edn("[1 2]"))
        .hasMessageStartingWith("kv.txt:1: expected a map");
  }

  @Test
  void ednReaderHandlesEscapesAndNesting() {
    assertThat(Edn.parse("\"a\\\"b\\\\c\\n\"")).isEqualTo("a\"b\\c\n");
    assertThat(Edn.parse("[1 -2 +3 [nil true false] (:k)]")).isEqualTo(List.of(1L, -2L, 3L,
        Arrays.asList(null, true, false), List.of(new Edn.Keyword("k"))));
    assertThat(Edn.toEventValue(Edn.parse("[:timed-out 1]")))
        .isEqualTo(List.of(":timed-out", 1L));
  }
}
