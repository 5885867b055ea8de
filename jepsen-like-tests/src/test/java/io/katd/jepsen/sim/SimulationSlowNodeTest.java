package io.katd.jepsen.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.jepsen.check.EventType;
import io.katd.jepsen.sim.Coverage.Counter;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A slow node (VERIFY.md section 2): a disk whose syncs keep the process blocked. Below the
 * election timeout the leader only answers late; beyond it the others elect a new leader
 * while the slow one still believes in its term, and its unreplicated write is never
 * acknowledged.
 */
class SimulationSlowNodeTest {
  private static Scenario scripted() {
    return new Scenario(1, 3, 1, 1, 10, 1, false, false, 50, Set.of(),
        EnumSet.of(OpKind.PUT, OpKind.GET), SimCanary.NONE);
  }

  @Test
  void aLeaderSlowerThanTheElectionTimeoutIsReplacedAndItsUnreplicatedWriteNeverAcknowledged() {
    Script script = new Script();
    long[] slow = {0, 0};
    long[] leaderChanges = {0};
    Script.Op[] ops = new Script.Op[3];
    script.await("a leader", s -> s.leader() != null)
        .then("slow the leader's disk beyond the election timeout and write to it", s -> {
          SimNode leader = s.leader();
          slow[0] = leader.id;
          slow[1] = leader.term();
          leader.slowSyncMicros = s.electionMicros() * 4;
          ops[0] = script.put(leader, "/slow", "during");
        })
        .await("another leader", s -> s.leader() != null && s.leader().id != slow[0])
        .then("check the slow node handled nothing meanwhile, write to the new leader", s -> {
          SimNode old = s.node(slow[0]);
          assertThat(old.canRun()).as("still blocked in its sync").isFalse();
          assertThat(old.term()).as("never heard of the new term").isEqualTo(slow[1]);
          leaderChanges[0] = s.coverage.get(Counter.LEADER_CHANGES);
          old.slowSyncMicros = 0;
          ops[1] = script.put(s.leader(), "/slow", "after");
        })
        .await("the write acknowledged", s -> ops[1].ok())
        .await("the slow node caught up", s -> s.node(slow[0]).canRun()
            && s.node(slow[0]).readLocal("/slow").equals("after"))
        .then("read on the slow node", s -> ops[2] = script.get(s.node(slow[0]), "/slow"))
        .await("the read answered", s -> ops[2].completed());
    RunResult r = Simulation.scripted(scripted(), script).run();

    assertThat(r.valid()).as("%s", r).isTrue();
    assertThat(r.coverage().get(Counter.SLOW_SYNCS)).isPositive();
    assertThat(leaderChanges[0]).isGreaterThanOrEqualTo(2);
    assertThat(ops[0].outcome).isNotEqualTo(EventType.OK);
    assertThat(ops[2].ok()).isTrue();
    assertThat(ops[2].value).isEqualTo("after");
  }

  @Test
  void aLeaderSlowerThanUsualButWithinTheElectionTimeoutStaysLeaderAndAcknowledges() {
    Script script = new Script();
    long[] leader = {0};
    long[] leaderChanges = {0};
    Script.Op[] ops = new Script.Op[2];
    script.await("a leader", s -> s.leader() != null)
        .then("slow the leader's disk to a fifth of the election timeout and write", s -> {
          SimNode l = s.leader();
          leader[0] = l.id;
          leaderChanges[0] = s.coverage.get(Counter.LEADER_CHANGES);
          l.slowSyncMicros = s.electionMicros() / 5;
          ops[0] = script.put(l, "/slow", "v1");
        })
        .await("the write acknowledged", s -> ops[0].completed())
        .then("write again", s -> ops[1] = script.put(s.node(leader[0]), "/slow", "v2"))
        .await("the second write acknowledged", s -> ops[1].completed());
    RunResult r = Simulation.scripted(scripted(), script).run();

    assertThat(r.valid()).as("%s", r).isTrue();
    assertThat(r.coverage().get(Counter.SLOW_SYNCS)).isGreaterThanOrEqualTo(2);
    assertThat(ops[0].ok()).isTrue();
    assertThat(ops[1].ok()).isTrue();
    assertThat(r.coverage().get(Counter.LEADER_CHANGES)).isEqualTo(leaderChanges[0]);
  }
}
