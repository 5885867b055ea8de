package io.katd.jepsen.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.jepsen.check.Finding;
import io.katd.kv.sm.FenceCanary;
import io.katd.kv.sm.KvStateMachine;
import io.katd.raft.RaftCanaries;
import io.katd.raft.RawNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Each planted bug of VERIFY.md section 4 must be caught by the simulation and its checkers
 * within a bounded number of seeds, and the same scenarios must pass without it. A canary
 * that is not caught means the harness is broken.
 */
class SimulationCanaryTest {
  static final int MAX_SEEDS = 40;

  private static Scenario scenario(SimCanary canary, EnumSet<FaultKind> faults,
      EnumSet<OpKind> ops, int snapshotEvery) {
    return new Scenario(1, 3, 4, 80, 10, 1, false, false, snapshotEvery, faults, ops, canary);
  }

  /** The first violation over seeds 1..MAX_SEEDS, and the seed that showed it. */
  private static Finding caught(Scenario template, Consumer<KvStateMachine> hook,
      Consumer<RawNode> rawHook, List<String> checkers) {
    for (long seed = 1; seed <= MAX_SEEDS; seed++) {
      Scenario s = template.withSeed(seed);
      RunResult r = new Simulation(s, hook, rawHook).run();
      if (!r.valid()) {
        Finding f = r.findings().stream().filter(x -> !x.valid()
            && checkers.contains(x.checker())).findFirst().orElse(r.firstViolation());
        System.out.println(template.canary() + " caught at seed " + seed + ": " + f);
        // Without the canary, the very same scenario passes.
        assertThat(new Simulation(s.withCanary(SimCanary.NONE)).run().valid())
            .as("seed %d without the canary", seed).isTrue();
        return f;
      }
    }
    return null;
  }

  private static void assertCaught(Scenario template, Consumer<KvStateMachine> hook,
      String... checkers) {
    assertCaught(template, hook, null, checkers);
  }

  private static void assertCaught(Scenario template, Consumer<KvStateMachine> hook,
      Consumer<RawNode> rawHook, String... checkers) {
    Finding f = caught(template, hook, rawHook, List.of(checkers));
    assertThat(f).as("%s caught within %d seeds", template.canary(), MAX_SEEDS).isNotNull();
    assertThat(f.checker()).isIn((Object[]) checkers);
  }

  @Test
  void linearizableReadsFromLocalStateAreCaught() {
    assertCaught(scenario(SimCanary.LOCAL_READS, EnumSet.of(FaultKind.PARTITION,
        FaultKind.ISOLATE_LEADER, FaultKind.PAUSE), EnumSet.of(OpKind.PUT, OpKind.GET), 50),
        null, "linearizability");
  }

  @Test
  void aVoteSentBeforeItIsPersistedIsCaught() {
    assertCaught(scenario(SimCanary.VOTE_NOT_PERSISTED, EnumSet.of(FaultKind.CRASH,
        FaultKind.ISOLATE_LEADER, FaultKind.FLAPPING, FaultKind.DROP), EnumSet.of(OpKind.PUT,
        OpKind.GET), 50), null, "reply-durability", "vote-safety", "election-safety");
  }

  @Test
  void appendsAcknowledgedBeforeFsyncAreCaught() {
    assertCaught(scenario(SimCanary.ACK_BEFORE_FSYNC, EnumSet.of(FaultKind.CRASH,
        FaultKind.PARTITION), EnumSet.of(OpKind.PUT, OpKind.GET), 50), null,
        "reply-durability", "lost-writes", "linearizability", "state-machine-safety", "kv-history",
        "convergence", "election-safety", "recovery", "fail-stop");
  }

  @Test
  void aReadIndexTokenReusedAcrossRetriesIsCaught() {
    assertCaught(scenario(SimCanary.READ_TOKEN_REUSE, EnumSet.of(FaultKind.PARTITION,
        FaultKind.ISOLATE_LEADER, FaultKind.PAUSE), EnumSet.of(OpKind.PUT, OpKind.GET), 50),
        null, "linearizability");
  }

  @Test
  void aWatchThatResendsAfterReconnectingIsCaught() {
    assertCaught(scenario(SimCanary.WATCH_RESEND, EnumSet.of(FaultKind.CRASH),
        EnumSet.of(OpKind.PUT, OpKind.WATCH), 50), null, "watch");
  }

  @Test
  void aWatchThatSkipsAfterReconnectingIsCaught() {
    assertCaught(scenario(SimCanary.WATCH_SKIP, EnumSet.of(FaultKind.CRASH),
        EnumSet.of(OpKind.PUT, OpKind.WATCH), 50), null, "watch");
  }

  @Test
  void aFencedWriteAcceptedFromAnOldTermIsCaught() {
    assertCaught(scenario(SimCanary.FENCE_ANY_TERM, EnumSet.of(FaultKind.ISOLATE_LEADER,
        FaultKind.PAUSE, FaultKind.PARTITION), EnumSet.of(OpKind.FENCED), 50),
        FenceCanary::plant, "fencing");
  }

  @Test
  void aSnapshotInstallThatIsNotAtomicIsCaught() {
    assertCaught(scenario(SimCanary.NONATOMIC_SNAPSHOT_INSTALL, EnumSet.of(FaultKind.CRASH,
        FaultKind.PARTITION, FaultKind.COMPACTION), EnumSet.of(OpKind.PUT, OpKind.GET), 3),
        null, "recovery");
  }

  @Test
  void truncatingMatchingEntriesIsCaught() {
    assertCaught(scenario5(SimCanary.TRUNCATE_MATCHING_ENTRIES, EnumSet.of(FaultKind.REORDER,
        FaultKind.DUPLICATE, FaultKind.DELAY_SPIKE)), null,
        RaftCanaries::truncateMatchingEntries, "fail-stop", "state-machine-safety",
        "lost-writes", "linearizability", "kv-history", "convergence", "reply-durability");
  }

  /**
   * Figure 8 of the Raft paper, scripted (src/test/resources/scenarios/raft-figure-8.json):
   * S1 leads and writes an entry that reaches S2 only, and crashes; S5 wins the next term with
   * the votes of S3 and S4 and crashes before its own entry at that index leaves it; S1
   * restarts, wins a later term, and copies its old entry to S3, a majority. Only the canary
   * commits it then (S2 acknowledges the write); S5 wins again and overwrites it.
   */
  @Test
  void anEarlierTermsEntryCommittedByCountingReplicasIsCaught() throws IOException {
    Scenario file = Scenario.fromJson(Files.readString(
        SimulationRegressionTest.DIR.resolve("raft-figure-8.json")));
    // The schedule holds whichever leader the warm-up elected: the seed of the file and two
    // more.
    for (long seed : new long[] {file.seed(), 9, 10}) {
      Scenario figure8 = file.withSeed(seed);
      RunResult caught = new Simulation(figure8.withCanary(
          SimCanary.COMMIT_PREVIOUS_TERM_BY_COUNTING), null,
          RaftCanaries::commitPreviousTermByCounting).run();
      // Only the checkers' names: their details quote the write's value, over a megabyte.
      List<String> violated = caught.findings().stream().filter(f -> !f.valid())
          .map(Finding::checker).toList();
      System.out.println("figure 8, seed " + seed + ", with the canary: " + violated);
      assertThat(violated).as("seed %d", seed).contains("state-machine-safety", "lost-writes");
      RunResult clean = new Simulation(figure8).run();
      assertThat(clean.valid()).as("figure 8 without the canary: %s", clean).isTrue();
    }
  }

  private static Scenario scenario5(SimCanary canary, EnumSet<FaultKind> faults) {
    return new Scenario(1, 5, 4, 80, 10, 1, false, false, 50, faults,
        EnumSet.of(OpKind.PUT, OpKind.GET), canary);
  }
}
