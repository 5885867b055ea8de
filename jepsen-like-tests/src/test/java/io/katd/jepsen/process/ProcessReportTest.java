package io.katd.jepsen.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.jepsen.check.Budget;
import io.katd.jepsen.check.CheckResult;
import io.katd.jepsen.check.EventType;
import io.katd.jepsen.check.Finding;
import io.katd.jepsen.check.History;
import io.katd.jepsen.check.Json;
import io.katd.jepsen.check.JsonlHistory;
import io.katd.jepsen.check.KvModel;
import io.katd.jepsen.check.LinearizabilityChecker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessReportTest {
  @TempDir
  Path tmp;

  private final AtomicLong clock = new AtomicLong();
  private final RunLog log = new RunLog(() -> clock.addAndGet(1_000_000));

  @Test
  void aStaleReadMakesTheRunInvalidAndIsOutlinedOnTheTimeline() throws Exception {
    long t = log.invoke(0, "put", "k/0", "a");
    log.acked("k/0", "a", 2);
    log.complete(0, EventType.OK, "put", "k/0", "a", "a", t, "n1");
    long staleAt = log.invoke(1, "get", "k/0", null);
    log.complete(1, EventType.OK, "get", "k/0", null, "", staleAt, "n2");
    log.band("kill", List.of(2), 500, 1_500);
    log.leader(1, 2);
    History history = History.of("test", log.history());
    CheckResult lin = LinearizabilityChecker.check(history, new KvModel(),
        Budget.ofTime(Duration.ofSeconds(10), System::nanoTime));
    assertThat(lin.isLinearizable()).isFalse();
    RunOptions o = new RunOptions(3, Duration.ofSeconds(60), List.of(FaultPlan.Fault.KILL),
        9, Path.of("katd.jar"), tmp, 2, 1);

    ProcessReport.write(o, "invalid", List.of(Finding.violation("linearizability",
        lin.describe())), Map.of("kills", 1L), log, lin, new ProcessRun.Phases(0, 1_000,
        2_000, 2_500, 5_000), tmp);

    Map<?, ?> summary = (Map<?, ?>) Json.parse(Files.readString(tmp.resolve("summary.json")));
    assertThat(summary.get("verdict")).isEqualTo("invalid");
    assertThat(summary.get("seed")).isEqualTo(9L);
    assertThat((String) summary.get("replay")).contains("bin/jepsen process", "--seed 9");
    assertThat(((Map<?, ?>) summary.get("ops")).get("ok")).isEqualTo(2L);
    String html = Files.readString(tmp.resolve("timeline.html"));
    assertThat(html).contains("final reads n3", "&#9733;T2", "class='band'");
    // The stale read is the operation that could not be placed.
    assertThat(html).containsPattern("class='ok bad'[^>]*>.{0,20}<title>get k/0");
    assertThat(JsonlHistory.read(tmp.resolve("history.jsonl")).events())
        .isEqualTo(log.history());
    assertThat(Files.readString(tmp.resolve("summary.md"))).startsWith(
        "# Process run, seed 9: INVALID");
  }
}
