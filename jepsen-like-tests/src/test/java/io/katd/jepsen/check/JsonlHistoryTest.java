package io.katd.jepsen.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** katd's own history.jsonl format. */
class JsonlHistoryTest {

  private static History read(String... lines) throws IOException {
    return JsonlHistory.read("history.jsonl", new StringReader(String.join("\n", lines)));
  }

  @Test
  void writesOneCompactObjectPerEvent() {
    assertThat(JsonlHistory.toLine(new Event(3, EventType.INVOKE, "cas", "k",
        List.of(1, 2), 1200)))
        .isEqualTo("{\"process\":3,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"k\","
            + "\"value\":[1,2],\"time\":1200}");
    assertThat(JsonlHistory.toLine(Event.of(0, EventType.OK, "read", null, null)))
        .isEqualTo("{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"value\":null}");
  }

  @Test
  void roundTripsEveryValueShape() throws IOException {
    List<Event> events = List.of(
        new Event(0, EventType.INVOKE, "put", "quote\"back\\slash\nnew\ttab\u0001é", "v\"1",
            5),
        new Event(0, EventType.OK, "put", "quote\"back\\slash\nnew\ttab\u0001é", "v\"1", 9),
        Event.of(1, EventType.INVOKE, "cas", null, List.of(-4, Long.MAX_VALUE)),
        Event.of(1, EventType.INFO, "cas", null, ":timed-out"),
        Event.of(2, EventType.INVOKE, "read", null, null),
        Event.of(2, EventType.FAIL, "read", null, Arrays.asList(true, false, null, "s",
            List.of())));
    StringWriter out = new StringWriter();
    JsonlHistory.write(events, out);

    History back = JsonlHistory.read("h", new StringReader(out.toString()));
    assertThat(back.events()).isEqualTo(events);
  }

  @Test
  void roundTripsThroughAFileAndChecks(@TempDir Path dir) throws IOException {
    History original = HistoryBuilder.register()
        .invoke(0, "write", 1).invoke(1, "read", null).ok(1, "read", 1).ok(0, "write", 1)
        .build();
    Path file = dir.resolve("history.jsonl");
    JsonlHistory.write(original, file);

    History back = JsonlHistory.read(file);
    assertThat(back.source()).isEqualTo("history.jsonl");
    assertThat(back.events()).isEqualTo(original.events());
    assertThat(Files.readAllLines(file)).hasSize(4);
    assertThat(LinearizabilityChecker.check(back, new RegisterModel(), Budget.ofSteps(100))
        .verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void ignoresUnknownFieldsAndBlankLines() throws IOException {
    History h = read("",
        "{\"node\":\"n1\",\"process\":4,\"type\":\"invoke\",\"f\":\"get\",\"key\":\"a\"}",
        "  ");
    assertThat(h.events()).containsExactly(Event.of(4, EventType.INVOKE, "get", "a", null));
    assertThat(h.lineOf(0)).isEqualTo(2);
  }

  @Test
  void malformedLinesNameFileAndLine() {
    String ok = "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\"}";
    assertThatThrownBy(() -> read(ok, "{\"process\":1,\"type\":\"done\",\"f\":\"read\"}"))
        .isInstanceOf(HistoryFormatException.class)
        .hasMessage("history.jsonl:2: \"type\" must be invoke, ok, fail or info");
    assertThatThrownBy(() -> read("{\"process\":\"a\",\"type\":\"ok\",\"f\":\"read\"}"))
        .hasMessage("history.jsonl:1: \"process\" must be a non-negative integer");
    assertThatThrownBy(() -> read("{\"process\":1,\"type\":\"ok\",\"f\":\"read\""))
        .hasMessage("history.jsonl:1: unexpected end of input at column 36");
    assertThatThrownBy(() -> read("{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"value\":1.5}"))
        .hasMessageStartingWith("history.jsonl:1: \"value\" must be null");
    assertThatThrownBy(() -> read("{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"time\":-3}"))
        .hasMessage("history.jsonl:1: \"time\" must be a non-negative integer");
    assertThatThrownBy(() -> read("{\"process\":1,\"process\":2}"))
        .hasMessageStartingWith("history.jsonl:1: duplicate key \"process\"");
    assertThatThrownBy(() -> read(ok + " x"))
        .hasMessageStartingWith("history.jsonl:1: trailing characters");
  }

  @Test
  void jsonReaderHandlesEscapesAndNumbers() {
    assertThat(Json.parse("\"\\u0041\\/\\b\\f\"")).isEqualTo("A/\b\f");
    assertThat(Json.parse(" [0, -12, 1e3, 2.5, {}] ")).isEqualTo(List.of(0L, -12L, 1000.0,
        2.5, java.util.Map.of()));
    assertThatThrownBy(() -> Json.parse("01")).hasMessageStartingWith("bad number 01");
    assertThatThrownBy(() -> Json.parse("99999999999999999999"))
        .hasMessageStartingWith("number out of range");
  }
}
