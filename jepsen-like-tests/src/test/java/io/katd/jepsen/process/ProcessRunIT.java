package io.katd.jepsen.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CI process run: a minute of register workload on three katd processes while the
 * nemesis kills, pauses, slows down and partitions members. The run must be valid, and the
 * faults must really have happened, or the run proved less than it claims.
 */
class ProcessRunIT {
  static Path jar() {
    Path jar = Path.of(System.getProperty("katd.jar", "../agent-cli/target/katd.jar"));
    assertThat(jar).as("the katd jar (agent-cli's package phase builds it)").exists();
    return jar;
  }

  static RunOptions options(Path jar) {
    return new RunOptions(3, Duration.ofSeconds(60), List.of(FaultPlan.Fault.KILL,
        FaultPlan.Fault.PAUSE, FaultPlan.Fault.SLOW, FaultPlan.Fault.PARTITION), 7, jar,
        RunOptions.DEFAULT_ROOT, 3, 8);
  }

  @Test
  void aMinuteOfKillsPausesSlowdownsAndPartitionsOnThreeNodesIsValid() throws Exception {
    RunOutcome r = ProcessRun.run(options(jar()), System.out);

    assertThat(r.valid()).as("verdict of %s", r).isTrue();
    assertThat(r.count("kills")).as("kills").isPositive();
    assertThat(r.count("restarts")).as("restarts").isPositive();
    assertThat(r.count("pauses")).as("pauses").isPositive();
    assertThat(r.count("slows")).as("slow windows").isPositive();
    assertThat(r.count("slowStops")).as("stops of a slowed member").isGreaterThan(10);
    assertThat(r.count("partitions")).as("partitions").isPositive();
    assertThat(r.count("leaderChanges")).as("leader changes").isPositive();
    assertThat(r.count("proxyDroppedChunks")).as("bytes the partitions dropped").isPositive();
    assertThat(r.findings()).extracting(f -> f.checker()).contains("linearizability",
        "lost-writes", "member-histories", "convergence", "election-safety", "watch",
        "final-write", "final-reads", "members-alive");
    for (String file : List.of("summary.json", "summary.md", "history.jsonl",
        "timeline.html")) {
      assertThat(r.dir().resolve(file)).exists();
    }
  }
}
