package io.katd.jepsen.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaultPlanTest {
  private static final List<FaultPlan.Fault> ALL = List.of(FaultPlan.Fault.values());

  @Test
  void oneSeedGivesOnePlanAndAnotherSeedAnother() {
    List<FaultPlan.Window> a = FaultPlan.draw(5, ALL, 5, 10_000, 200_000);
    assertThat(FaultPlan.draw(5, ALL, 5, 10_000, 200_000)).isEqualTo(a);
    assertThat(FaultPlan.draw(6, ALL, 5, 10_000, 200_000)).isNotEqualTo(a);
  }

  @Test
  void everyFaultComesFirstOnceAimedAtTheLeader() {
    for (long seed = 1; seed <= 50; seed++) {
      List<FaultPlan.Window> plan = FaultPlan.draw(seed, ALL, 3, 0, 120_000);
      List<FaultPlan.Window> first = plan.subList(0, ALL.size());
      assertThat(first).extracting(FaultPlan.Window::fault)
          .containsExactlyInAnyOrderElementsOf(ALL);
      assertThat(first).allMatch(w -> w.target() == FaultPlan.LEADER);
    }
  }

  @Test
  void windowsStayInsideTheFaultPhaseAndNeverOverlap() {
    for (long seed = 1; seed <= 50; seed++) {
      List<FaultPlan.Window> plan = FaultPlan.draw(seed, ALL, 5, 6_000, 48_000);
      assertThat(plan).isNotEmpty();
      long previousEnd = 0;
      for (FaultPlan.Window w : plan) {
        assertThat(w.startMillis()).isGreaterThanOrEqualTo(Math.max(6_000, previousEnd));
        assertThat(w.endMillis()).isLessThanOrEqualTo(48_000);
        assertThat(w.endMillis() - w.startMillis()).isBetween(3_000L, 6_000L);
        assertThat(w.shape() != null).isEqualTo(w.fault() == FaultPlan.Fault.PARTITION);
        assertThat(w.target()).isBetween(FaultPlan.LEADER, 4);
        previousEnd = w.endMillis();
      }
    }
  }

  @Test
  void aMinuteOfKillPauseSlowPartitionHasRoomForEachOfThem() {
    List<FaultPlan.Fault> four = List.of(FaultPlan.Fault.KILL, FaultPlan.Fault.PAUSE,
        FaultPlan.Fault.SLOW, FaultPlan.Fault.PARTITION);
    RunOptions o = new RunOptions(3, java.time.Duration.ofSeconds(60), four, 7,
        java.nio.file.Path.of("katd.jar"), RunOptions.DEFAULT_ROOT, 3, 8);
    for (long seed = 1; seed <= 50; seed++) {
      List<FaultPlan.Window> plan = FaultPlan.draw(seed, four, 3, o.warmUpMillis(),
          o.faultsEndMillis());
      assertThat(plan).extracting(FaultPlan.Window::fault).containsAll(four);
    }
  }

  @Test
  void faultNamesParseAndUnknownOnesAreRefused() {
    assertThat(RunOptions.parseFaults("kill,pause,slow,partition")).containsExactly(
        FaultPlan.Fault.KILL, FaultPlan.Fault.PAUSE, FaultPlan.Fault.SLOW,
        FaultPlan.Fault.PARTITION);
    assertThat(RunOptions.parseFaults("none")).isEmpty();
    assertThatThrownBy(() -> RunOptions.parseFaults("kill,meteor"))
        .hasMessageContaining("unknown fault meteor");
    assertThat(RunOptions.parseFaults("half-open,garbage,membership")).containsExactly(
        FaultPlan.Fault.HALF_OPEN, FaultPlan.Fault.GARBAGE, FaultPlan.Fault.MEMBERSHIP);
  }

  @Test
  void theCiProcessRunsPlanEveryFaultTheyCountOn() {
    RunOptions run = ProcessRunIT.options(java.nio.file.Path.of("katd.jar"));
    assertThat(FaultPlan.draw(run.seed(), run.faults(), 3, run.warmUpMillis(),
        run.faultsEndMillis())).extracting(FaultPlan.Window::fault)
        .containsAll(run.faults());

    RunOptions m = ProcessMembershipIT.options(java.nio.file.Path.of("katd.jar"));
    List<FaultPlan.Window> plan = FaultPlan.draw(m.seed(), m.faults(), 3, m.warmUpMillis(),
        m.faultsEndMillis());
    assertThat(plan).extracting(FaultPlan.Window::fault).containsAll(m.faults());
    List<FaultPlan.Window> changes = plan.stream()
        .filter(w -> w.fault() == FaultPlan.Fault.MEMBERSHIP).toList();
    // A join, then, once the learner had time to catch up and be promoted, a removal.
    assertThat(changes).hasSizeGreaterThanOrEqualTo(2);
    assertThat(changes.get(1).startMillis() - changes.get(0).startMillis())
        .isGreaterThanOrEqualTo(15_000);
  }

  @Test
  void membershipChangesGetALowSnapshotThresholdUnlessOneIsGiven() {
    java.nio.file.Path jar = java.nio.file.Path.of("katd.jar");
    java.time.Duration d = java.time.Duration.ofSeconds(60);
    assertThat(new RunOptions(3, d, List.of(FaultPlan.Fault.KILL), 1, jar,
        RunOptions.DEFAULT_ROOT, 3, 8).effectiveSnapshotThreshold()).isZero();
    assertThat(new RunOptions(3, d, List.of(FaultPlan.Fault.MEMBERSHIP), 1, jar,
        RunOptions.DEFAULT_ROOT, 3, 8).effectiveSnapshotThreshold())
        .isEqualTo(RunOptions.MEMBERSHIP_SNAPSHOT_THRESHOLD);
    RunOptions given = new RunOptions(3, d, List.of(FaultPlan.Fault.MEMBERSHIP), 1, jar,
        RunOptions.DEFAULT_ROOT, 3, 8, 40);
    assertThat(given.effectiveSnapshotThreshold()).isEqualTo(40);
    assertThat(given.replayCommand()).contains("--faults membership")
        .contains("--snapshot-threshold 40");
  }
}
