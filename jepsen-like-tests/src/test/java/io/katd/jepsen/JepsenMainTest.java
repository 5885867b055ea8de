package io.katd.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JepsenMainTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return JepsenMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void simulateWritesReportsAndItsHistoryChecksAsValid() throws IOException {
    assertThat(run("simulate", "--seeds", "2", "--nodes", "3", "--ops", "20", "--seed", "7",
        "--out", dir.toString())).isEqualTo(JepsenMain.VALID);
    Path campaign = dir.resolve("cli-seeds-7-8-n3");
    for (String f : new String[] {"summary.json", "summary.md", "history.jsonl",
        "timeline.html"}) {
      assertThat(campaign.resolve(f)).exists();
    }
    assertThat(Files.readString(campaign.resolve("timeline.html"))).doesNotContain("<script");
    assertThat(run("check", campaign.resolve("history.jsonl").toString()))
        .isEqualTo(JepsenMain.VALID);
  }

  @Test
  void checkExitsWithOneOnANonLinearizableHistory() throws IOException {
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, String.join("\n",
        "{\"process\":0,\"type\":\"invoke\",\"f\":\"put\",\"key\":\"k\",\"value\":\"a\"}",
        "{\"process\":0,\"type\":\"ok\",\"f\":\"put\",\"key\":\"k\",\"value\":\"a\"}",
        "{\"process\":1,\"type\":\"invoke\",\"f\":\"get\",\"key\":\"k\",\"value\":null}",
        "{\"process\":1,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"value\":\"b\"}", ""));
    assertThat(run("check", bad.toString())).isEqualTo(JepsenMain.INVALID);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("NOT_LINEARIZABLE");
  }

  @Test
  void checkReadsTheJepsenFormatsOfTheGoldenHistories() throws IOException {
    Path golden = Path.of(System.getProperty("katd.testdata", "../../shared/testdata"))
        .resolve("linearizability");
    Path log;
    try (Stream<Path> s = Files.list(golden.resolve("jepsen-etcd"))) {
      log = s.filter(p -> p.toString().endsWith(".log")).sorted().findFirst().orElseThrow();
    }
    assertThat(run("check", log.toString())).isIn(JepsenMain.VALID, JepsenMain.INVALID);
    Path edn;
    try (Stream<Path> s = Files.list(golden.resolve("kv-append"))) {
      edn = s.filter(p -> p.toString().endsWith("-bad.txt")).sorted().findFirst()
          .orElseThrow();
    }
    assertThat(run("check", edn.toString())).isEqualTo(JepsenMain.INVALID);
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(run()).isEqualTo(JepsenMain.USAGE);
    assertThat(run("fly")).isEqualTo(JepsenMain.USAGE);
    assertThat(run("check")).isEqualTo(JepsenMain.USAGE);
  }

  @Test
  void badProcessOptionsAreUsageErrorsThatNameTheOption() {
    assertThat(run("process", "--snapshot-threshold", "often")).isEqualTo(JepsenMain.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--snapshot-threshold must be a whole number, got often");
    err.reset();
    assertThat(run("process", "--snapshot-threshold", "-5")).isEqualTo(JepsenMain.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--snapshot-threshold must be 0");
    err.reset();
    assertThat(run("process", "--faults", "kill,meteor")).isEqualTo(JepsenMain.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown fault meteor")
        .contains("half-open").contains("garbage").contains("membership");
  }
}
