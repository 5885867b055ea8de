package io.katd.jepsen.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.jepsen.report.ReportWriter;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.raft.MemoryStorage;
import io.katd.jepsen.check.Finding;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The simulation's parts on their own: disk, scenario files, determinism, reports. */
class SimulationPartsTest {
  private static SimDisk diskWithEntries(int synced, int unsynced) throws Exception {
    SimDisk disk = new SimDisk();
    MemoryStorage empty = new MemoryStorage();
    disk.saveSnapshotFile(empty.snapshot(), true);
    disk.checkpoint(empty, HardState.getDefaultInstance());
    for (int i = 1; i <= synced + unsynced; i++) {
      disk.write(SimDisk.Kind.ENTRY, Entry.newBuilder().setIndex(i).setTerm(1).build()
          .toByteArray());
      disk.endBatch();
      if (i == synced) {
        disk.sync();
      }
    }
    return disk;
  }

  @Test
  void syncedRecordsSurviveACrashAndUnsyncedOnesMayNot() throws Exception {
    SimDisk disk = diskWithEntries(3, 2);
    disk.crash(new SplittableRandom(1), 1.0, false);
    long last = disk.recover().storage().lastIndex();
    assertThat(last).isBetween(3L, 4L);
  }

  @Test
  void aTornTailIsDroppedAndReported() throws Exception {
    SimDisk disk = diskWithEntries(2, 3);
    assertThat(disk.crash(new SplittableRandom(7), 0.0, true)).isEqualTo(SimDisk.Loss.TORN);
    SimDisk.Recovered r = disk.recover();
    assertThat(r.tornTailDropped()).isTrue();
    assertThat(r.storage().lastIndex()).isBetween(2L, 4L);
  }

  @Test
  void aBitFlipIsCaughtByTheChecksumAndTheNodeRefusesToStart() throws Exception {
    SimDisk disk = diskWithEntries(3, 0);
    assertThat(disk.flipBit(new SplittableRandom(3))).isTrue();
    assertThatThrownBy(disk::recover).isInstanceOf(SimDisk.CorruptionException.class);
  }

  @Test
  void aFailedFsyncIsReportedOnce() throws Exception {
    SimDisk disk = diskWithEntries(0, 1);
    disk.failNextSync();
    assertThatThrownBy(disk::sync).isInstanceOf(SimDisk.FsyncException.class);
    disk.sync();
  }

  @Test
  void aFullDiskFailsWritesOrFsyncsUntilSpaceIsFreedAndKeepsWhatWasSynced() throws Exception {
    SimDisk disk = diskWithEntries(2, 0);
    disk.fill(false);
    byte[] e3 = Entry.newBuilder().setIndex(3).setTerm(1).build().toByteArray();
    assertThatThrownBy(() -> disk.write(SimDisk.Kind.ENTRY, e3))
        .isInstanceOf(SimDisk.NoSpaceException.class)
        .hasMessage("no space left on device");
    disk.fill(true);
    disk.write(SimDisk.Kind.ENTRY, e3);
    assertThatThrownBy(disk::sync).isInstanceOf(SimDisk.NoSpaceException.class);
    disk.crash(new SplittableRandom(1), 1.0, false);
    disk.free();
    assertThat(disk.recover().storage().lastIndex()).isEqualTo(2);
    disk.write(SimDisk.Kind.ENTRY, e3);
    disk.sync();
    assertThat(disk.recover().storage().lastIndex()).isEqualTo(3);
  }

  @Test
  void aCrashKeepsOnlyDirectoryChangesFollowedByADirectoryFsync() {
    SimDir dir = new SimDir();
    dir.write("a", new byte[] {1});
    dir.fsync("a");
    dir.fsyncDirectory();
    dir.write("b.tmp", new byte[] {2});
    dir.fsync("b.tmp");
    dir.rename("b.tmp", "b");
    dir.delete("a");
    assertThat(dir.crash()).isTrue();
    assertThat(dir.list()).containsExactly("a");
    assertThat(dir.read("a").intact()).isTrue();
    // A file whose entry is durable but whose content was never fsynced comes back empty.
    dir.write("a", new byte[] {3});
    dir.crash();
    assertThat(dir.read("a").intact()).isFalse();
    assertThat(dir.crash()).isFalse();
  }

  @Test
  void aLogThatRefersToAMissingSnapshotFileRefusesToRecover() throws Exception {
    SimDisk disk = new SimDisk();
    MemoryStorage storage = new MemoryStorage();
    storage.applySnapshot(io.katd.proto.raft.Snapshot.newBuilder().setMetadata(
        io.katd.proto.raft.SnapshotMetadata.newBuilder().setIndex(5).setTerm(2))
        .setData(com.google.protobuf.ByteString.copyFromUtf8("state")).build());
    disk.saveSnapshotFile(storage.snapshot(), false);
    disk.checkpoint(storage, HardState.newBuilder().setTerm(2).setCommit(5).build());
    assertThat(disk.recover().storage().snapshot().getData().toStringUtf8())
        .isEqualTo("state");
    disk.crash(new SplittableRandom(1), 0.0, false);
    assertThatThrownBy(disk::recover).isInstanceOf(SimDisk.CorruptionException.class)
        .hasMessage("the log was compacted up to index 5 (term 2), but its snapshot file "
            + "snap/2-5.snap is missing");
  }

  @Test
  void aWipedDiskIsRecognisedAsKatdStartWould() throws Exception {
    SimDisk disk = diskWithEntries(2, 0);
    disk.writeIdentity(1);
    assertThat(disk.wipeEvidence()).isNull();
    disk.wipe(true);
    assertThat(disk.wipeEvidence()).contains("raft log is empty", ".bootstrapped");
    disk.wipe(false);
    assertThat(disk.wipeEvidence()).contains("no member identity", "member.properties");
  }

  @Test
  void aJoinersLogIsMarkedBeforeItsFirstWriteSoThatItsWipeShows() throws Exception {
    SimDisk disk = new SimDisk();
    disk.writeJoinerIdentity(4);
    // Joined but not written to yet: an empty log is what a joiner starts from.
    assertThat(disk.wipeEvidence()).isNull();
    disk.wipe(true);
    assertThat(disk.wipeEvidence()).isNull();
    disk.write(SimDisk.Kind.HARD_STATE, HardState.newBuilder().setTerm(3).setVote(1).build()
        .toByteArray());
    disk.endBatch();
    disk.sync();
    disk.wipe(true);
    assertThat(disk.wipeEvidence()).contains("raft log is empty", ".bootstrapped");
  }

  @Test
  void aJoinedMemberWhoseLogIsWipedIsRefusedAndTheClusterWritesOn() {
    Simulation sim = new Simulation(scripted(23, 3, 3, "wait 300", "add-learner 4",
        "promote 4", "wait 300", "wipe-log 4", "restart 4", "wait 300"));
    RunResult r = sim.run();
    assertThat(r.valid()).as("%s", r).isTrue();
    assertThat(sim.node(4).status).isEqualTo(SimNode.Status.REFUSED);
    assertThat(r.coverage().get(Coverage.Counter.WIPED_DIRS_DETECTED)).isEqualTo(1);
    assertThat(r.recorder().notes).anyMatch(n -> n.contains("wiped data dir detected: the "
        + "raft log is empty"));
  }

  @Test
  void scenariosSurviveTheirJsonForm() {
    Scenario s = new Scenario(42, 5, 3, 70, 12, 2, true, false, 9,
        EnumSet.of(FaultKind.CRASH, FaultKind.RING), EnumSet.of(OpKind.PUT, OpKind.WATCH),
        SimCanary.WATCH_SKIP);
    assertThat(Scenario.fromJson(s.toJson())).isEqualTo(s);
    assertThat(Scenario.fromSeed(9, 3, 50)).isEqualTo(Scenario.fromSeed(9, 3, 50));
    assertThatThrownBy(() -> new Scenario(1, 4, 1, 1, 10, 1, false, false, 5,
        EnumSet.noneOf(FaultKind.class), EnumSet.noneOf(OpKind.class), SimCanary.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 or 5");
  }

  @Test
  void aScriptSurvivesItsJsonFormAndABadStepIsNamed() {
    Scenario s = new Scenario(3, 3, 1, 0, 10, 1, false, false, 50, Set.of(),
        EnumSet.of(OpKind.PUT), SimCanary.NONE, List.of("freeze", "elect 2", "wait 10"));
    assertThat(Scenario.fromJson(s.toJson())).isEqualTo(s);
    assertThatThrownBy(() -> ScriptStep.parse("elect"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'elect'")
        .hasMessageContaining("arguments N");
    assertThatThrownBy(() -> ScriptStep.parse("crash one"))
        .hasMessageContaining("argument 1 must be a non-negative number, got 'one'");
    assertThatThrownBy(() -> ScriptStep.parse("explode 1"))
        .hasMessageContaining("unknown verb 'explode'");
    assertThatThrownBy(() -> new Scenario(3, 3, 1, 5, 10, 1, false, false, 50,
        EnumSet.of(FaultKind.CRASH), EnumSet.of(OpKind.PUT), SimCanary.NONE, List.of("heal")))
        .hasMessageContaining("enables no fault kinds");
  }

  /** A scripted scenario with the usual clients running through it. */
  private static Scenario scripted(long seed, int nodes, int snapshotEvery, String... steps) {
    return new Scenario(seed, nodes, 3, 60, 10, 1, true, true, snapshotEvery, Set.of(),
        EnumSet.of(OpKind.PUT, OpKind.GET, OpKind.DELETE), SimCanary.NONE, List.of(steps));
  }

  @Test
  void aLearnerAddedAfterCompactionCatchesUpBySnapshotAndIsPromoted() {
    Simulation sim = new Simulation(scripted(21, 3, 3, "wait 300", "add-learner 4",
        "promote 4", "wait 300"));
    RunResult r = sim.run();
    assertThat(r.valid()).as("%s", r).isTrue();
    // The log had been compacted before the learner came: only a snapshot could catch it up.
    assertThat(r.coverage().get(Coverage.Counter.LOG_COMPACTIONS)).isPositive();
    assertThat(r.coverage().get(Coverage.Counter.SNAPSHOTS_TO_NEW_MEMBERS)).isPositive();
    assertThat(r.coverage().get(Coverage.Counter.LEARNER_PROMOTIONS)).isEqualTo(1);
    assertThat(sim.membership.isVoter(4)).isTrue();
    SimNode learner = sim.node(4);
    assertThat(learner.confState.getVotersList()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
    assertThat(learner.stateHash()).isEqualTo(sim.node(1).stateHash());
    // It serves as a voter: the cluster wrote on after the promotion.
    long promoted = r.recorder().notes.stream().filter(n -> n.contains("applied "
        + "ConfChangeAddNode 4")).count();
    assertThat(promoted).isEqualTo(1);
    // The member that joined has its own row in the timeline.
    assertThat(Timeline.html(r)).contains("node 4");
  }

  @Test
  void removingTheLeaderElectsANewOneAmongTheRestAndLosesNoAcknowledgedWrite() {
    Simulation sim = new Simulation(scripted(22, 5, 20, "wait 300", "remove-leader",
        "wait 300"));
    RunResult r = sim.run();
    assertThat(r.valid()).as("%s", r).isTrue();
    assertThat(r.coverage().get(Coverage.Counter.LEADER_REMOVALS)).isEqualTo(1);
    Recorder.Band removal = r.recorder().bands.stream()
        .filter(b -> b.kind().equals("removed")).findFirst().orElseThrow();
    long removed = Long.parseLong(removal.nodes());
    // The removed member led last before its removal; it stops two election timeouts after
    // the removal applied (as katd's member runner), and only others lead from then on.
    Recorder.LeaderChange before = r.recorder().leaders.stream()
        .filter(l -> l.node() == removed).reduce((a, b) -> b).orElseThrow();
    assertThat(before.atMicros()).isLessThan(removal.startMicros());
    List<Recorder.LeaderChange> after = r.recorder().leaders.stream()
        .filter(l -> l.atMicros() > before.atMicros()).toList();
    assertThat(after).isNotEmpty().allSatisfy(l -> {
      assertThat(l.node()).isNotEqualTo(removed);
      assertThat(l.term()).isGreaterThan(before.term());
    });
    assertThat(sim.node(removed)).isNull();
    assertThat(sim.membership.isVoter(removed)).isFalse();
    // Writes were acknowledged on both sides of the removal, and none was lost.
    assertThat(r.recorder().ops).anyMatch(o -> o.outcome().equals("ok")
        && o.f().equals("put") && o.completeMicros() < removal.startMicros());
    assertThat(r.recorder().ops).anyMatch(o -> o.outcome().equals("ok")
        && o.f().equals("put") && o.invokeMicros() > removal.startMicros());
    assertThat(r.findings()).filteredOn(f -> f.checker().equals("lost-writes"))
        .allMatch(Finding::valid).isNotEmpty();
  }

  @Test
  void oneSeedGivesOneRunAndAnotherSeedAnother() {
    Scenario s = Scenario.fromSeed(77, 5, 40);
    RunResult a = new Simulation(s).run();
    RunResult b = new Simulation(s).run();
    assertThat(b.traceHash()).isEqualTo(a.traceHash());
    assertThat(b.history()).isEqualTo(a.history());
    assertThat(new Simulation(s.withSeed(78)).run().traceHash()).isNotEqualTo(a.traceHash());
  }

  @Test
  void theTimelineIsSelfContainedAndShowsEveryClientAndNode() {
    RunResult r = new Simulation(Scenario.fromSeed(5, 3, 30)).run();
    String html = Timeline.html(r);
    assertThat(html).doesNotContain("<script").doesNotContain("href=").doesNotContain("src=");
    assertThat(html).contains("node 1", "node 3", "client 0", "class='ok'");
    assertThat(ReportWriter.summaryJson(RunReport.record(r))).contains("\"seed\":5", "\"replay\"",
        "\"throughputOpsPerSecond\"", "\"linearizability\"", "\"coverage\"");
    assertThat(List.of(ReportWriter.summaryMarkdown(RunReport.record(r)))).allMatch(md -> md.contains("| watch |"));
  }
}
