package io.katd.jepsen.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.jepsen.check.EventType;
import io.katd.jepsen.check.Finding;
import io.katd.jepsen.sim.Coverage.Counter;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The storage faults of VERIFY.md section 2 that outlast a crash: a full disk, a rename not
 * made durable by a directory fsync, a wiped data dir. Scripted schedules show each one
 * handled, and, with the test-only switch that plants the matching bug, caught.
 */
class SimulationStorageFaultTest {
  private static Scenario scripted(SimCanary canary, int snapshotEvery) {
    return new Scenario(1, 3, 1, 1, 10, 1, false, false, snapshotEvery, Set.of(),
        EnumSet.of(OpKind.PUT, OpKind.GET), canary);
  }

  private static Finding finding(RunResult r, String checker) {
    return r.findings().stream().filter(f -> f.checker().equals(checker)).findFirst()
        .orElseThrow();
  }

  private static SimNode follower(Simulation s) {
    return s.running().stream().filter(n -> n != s.leader()).findFirst().orElseThrow();
  }

  // ---- disk full --------------------------------------------------------------------

  /**
   * The leader's disk fills up while a write reaches it: it stops without acknowledging the
   * write, another leader takes over and writes, and once space is freed the node restarts
   * and catches up with everything acknowledged.
   */
  private static RunResult diskFullOnTheLeader(boolean atSync, Script.Op[] ops) {
    Script script = new Script();
    long[] stopped = {0};
    script.await("a leader", s -> s.leader() != null)
        .then("fill the leader's disk and write to it", s -> {
          SimNode leader = s.leader();
          stopped[0] = leader.id;
          leader.disk.fill(atSync);
          ops[0] = script.put(leader, "/df", "during");
        })
        .await("the leader stopped", s -> !s.node(stopped[0]).isUp())
        .await("another leader", s -> s.leader() != null && s.leader().id != stopped[0])
        .then("write to it", s -> ops[1] = script.put(s.leader(), "/df", "after"))
        .await("the write acknowledged", s -> ops[1].ok())
        .then("free the space and restart", s -> {
          s.node(stopped[0]).disk.free();
          s.restartLater(s.node(stopped[0]), 0);
        })
        .await("the node caught up", s -> s.node(stopped[0]).canRun()
            && s.node(stopped[0]).readLocal("/df").equals("after"))
        .then("read on the restarted node", s -> ops[2] = script.get(s.node(stopped[0]),
            "/df"))
        .await("the read answered", s -> ops[2].completed());
    return Simulation.scripted(scripted(SimCanary.NONE, 50), script).run();
  }

  @Test
  void aFullDiskStopsTheNodeWhichCatchesUpOnceSpaceIsFreed() {
    for (boolean atSync : new boolean[] {false, true}) {
      Script.Op[] ops = new Script.Op[3];
      RunResult r = diskFullOnTheLeader(atSync, ops);
      assertThat(r.valid()).as("full at %s: %s", atSync ? "fsync" : "write", r).isTrue();
      assertThat(r.coverage().get(Counter.DISK_FULL_STOPS)).isEqualTo(1);
      assertThat(r.recorder().notes).anyMatch(n -> n.contains("no space left on device"));
      // Never acknowledged: the node stopped before it could send anything.
      assertThat(ops[0].outcome).isNotEqualTo(EventType.OK);
      assertThat(ops[2].ok()).isTrue();
      assertThat(ops[2].value).isEqualTo("after");
    }
  }

  @Test
  void swarmRunsWithFullDisksPassAndStopNodes() {
    long stops = 0;
    for (long seed = 1; seed <= 12; seed++) {
      Scenario s = new Scenario(seed, seed % 2 == 0 ? 5 : 3, 3, 60, 10, 1, seed % 3 == 0,
          seed % 4 == 0, 8, EnumSet.of(FaultKind.DISK_FULL, FaultKind.CRASH,
              FaultKind.PARTITION), EnumSet.of(OpKind.PUT, OpKind.GET, OpKind.TXN),
          SimCanary.NONE);
      RunResult r = new Simulation(s).run();
      assertThat(r.valid()).as("%s", r).isTrue();
      stops += r.coverage().get(Counter.DISK_FULL_STOPS);
    }
    assertThat(stops).isPositive();
  }

  // ---- rename not durable without a directory fsync ------------------------------------

  /** Writes until a follower compacted its log, then crashes and restarts that follower. */
  private static RunResult crashAfterCompaction(SimCanary canary) {
    Script script = new Script();
    long[] victim = {0};
    Script.Op[] last = new Script.Op[1];
    script.await("a leader", s -> s.leader() != null);
    for (int i = 0; i < 8; i++) {
      String value = "v" + i;
      script.then("write " + value, s -> last[0] = script.put(s.leader(), "/snap", value))
          .await("write " + value + " acknowledged", s -> last[0].ok());
    }
    script.then("pick a follower", s -> victim[0] = follower(s).id)
        .await("it compacted its log", s -> s.node(victim[0]).snapshotIndex() > 1)
        .then("crash it", s -> s.crash(s.node(victim[0]), "crash (kill -9)"))
        .then("restart it", s -> s.restartLater(s.node(victim[0]), 0))
        .await("it started or refused", s -> s.node(victim[0]).status != SimNode.Status.DOWN);
    return Simulation.scripted(scripted(canary, 3), script).run();
  }

  @Test
  void aSnapshotRenamedWithoutADirectoryFsyncIsLostAndTheNodeRefusesToStart() {
    RunResult bad = crashAfterCompaction(SimCanary.SKIP_DIRECTORY_FSYNC);
    Finding recovery = finding(bad, "recovery");
    assertThat(recovery.valid()).as("%s", bad).isFalse();
    assertThat(recovery.detail()).contains("snapshot file", "is missing");
    assertThat(bad.coverage().get(Counter.DIRECTORY_CHANGES_LOST)).isPositive();

    RunResult good = crashAfterCompaction(SimCanary.NONE);
    assertThat(good.valid()).as("%s", good).isTrue();
  }

  // ---- wiped data dir --------------------------------------------------------------

  @Test
  void aWipedDataDirIsDetectedAndTheNodeStaysOut() {
    for (boolean logOnly : new boolean[] {false, true}) {
      Script script = new Script();
      long[] victim = {0};
      Script.Op[] op = new Script.Op[1];
      script.await("a leader", s -> s.leader() != null)
          .then("wipe a follower's data dir", s -> {
            victim[0] = follower(s).id;
            StorageFaults.wipe(s, s.node(victim[0]), logOnly);
            s.restartLater(s.node(victim[0]), 0);
          })
          .await("it refused to start", s -> s.node(victim[0]).status
              == SimNode.Status.REFUSED)
          .then("write without it", s -> op[0] = script.put(s.leader(), "/w", "x"))
          .await("acknowledged", s -> op[0].ok());
      RunResult r = Simulation.scripted(scripted(SimCanary.NONE, 50), script).run();
      assertThat(r.valid()).as("%s", r).isTrue();
      assertThat(r.coverage().get(Counter.WIPED_DIRS_DETECTED)).isEqualTo(1);
      assertThat(r.recorder().notes).anyMatch(n -> n.contains("stopped: wiped data dir "
          + "detected: " + (logOnly ? "the raft log is empty" : "the data dir holds no member")));
    }
  }

  /**
   * A write acknowledged by the leader and one follower while the third node lags; the
   * follower's data dir is wiped; the leader dies and the lagging node comes back. A blank
   * voter with the old id lets the lagging node win an election without the write.
   */
  private static RunResult wipeTheSecondCopyOfAWrite(SimCanary canary) {
    Script script = new Script();
    long[] ids = new long[3]; // leader, the follower that acknowledges, the lagging one
    Script.Op[] op = new Script.Op[2];
    script.await("a leader", s -> s.leader() != null)
        .then("cut off one follower", s -> {
          ids[0] = s.leader().id;
          List<Long> others = s.nodeIds().stream().filter(id -> id != ids[0]).toList();
          ids[1] = others.get(0);
          ids[2] = others.get(1);
          for (long id : s.nodeIds()) {
            if (id != ids[2]) {
              s.network.cut(id, ids[2]);
              s.network.cut(ids[2], id);
            }
          }
        })
        .then("write", s -> op[0] = script.put(s.node(ids[0]), "/w", "acked"))
        .await("acknowledged", s -> op[0].ok())
        .then("wipe the follower that holds the second copy", s -> {
          StorageFaults.wipe(s, s.node(ids[1]), false);
          s.restartLater(s.node(ids[1]), 0);
        })
        .await("it is no longer down", s -> s.node(ids[1]).status != SimNode.Status.DOWN)
        .then("the leader dies; the lagging node comes back", s -> {
          s.crash(s.node(ids[0]), "crash (kill -9)");
          s.network.healPartitions();
        })
        .pause("let an election happen", 2_000_000);
    return Simulation.scripted(scripted(canary, 50), script).run();
  }

  @Test
  void aWipedNodeThatRejoinsAsABlankVoterIsCaught() {
    RunResult bad = wipeTheSecondCopyOfAWrite(SimCanary.WIPED_NODE_REJOINS);
    assertThat(bad.valid()).isFalse();
    Finding mono = finding(bad, "monotonicity");
    assertThat(mono.valid()).as("%s", bad.findings()).isFalse();
    assertThat(mono.detail()).contains("restarted at term 1");
    assertThat(finding(bad, "lost-writes").valid()).as("%s", bad.findings()).isFalse();

    RunResult good = wipeTheSecondCopyOfAWrite(SimCanary.NONE);
    assertThat(good.valid()).as("%s", good).isTrue();
    assertThat(good.coverage().get(Counter.WIPED_DIRS_DETECTED)).isEqualTo(1);
  }
}
