package io.katd.jepsen.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.jepsen.check.Finding;
import io.katd.raft.ReadOnlyOption;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Lease reads (raft-core's LEASE_BASED) under clock drift, VERIFY.md section 2: the leader
 * serves a read from its lease without asking a quorum, which is safe only while its clock
 * does not run slow beyond the lease bound. The schedule: the leader writes, then is cut off
 * from the majority while its clock drifts; the majority elects a new leader, which writes;
 * then a client reads from the old leader.
 */
class SimulationLeaseReadTest {
  static final String KEY = "/lease-read";

  private static RunResult partitionedLeaderReads(ReadOnlyOption option, long driftPpm) {
    Script script = new Script().readOnly(option);
    long[] old = {0};
    Script.Op[] op = new Script.Op[3];
    script.await("a leader", s -> s.leader() != null)
        .then("write through it", s -> {
          old[0] = s.leader().id;
          op[0] = script.put(s.leader(), KEY, "old");
        })
        .await("acknowledged", s -> op[0].ok())
        .then("its clock drifts and it is cut off from the majority", s -> {
          SimNode leader = s.node(old[0]);
          leader.clock.drift(driftPpm);
          for (long id : s.nodeIds()) {
            if (id != old[0]) {
              s.network.cut(id, old[0]);
              s.network.cut(old[0], id);
            }
          }
        })
        .await("the majority elects another leader", s -> s.running().stream().anyMatch(
            n -> n.id != old[0] && n.isLeader() && n.term() > s.node(old[0]).term()))
        .then("write through the new leader", s -> op[1] = script.put(s.running().stream()
            .filter(n -> n.id != old[0] && n.isLeader()).findFirst().orElseThrow(), KEY,
            "new"))
        .await("acknowledged", s -> op[1].ok())
        .then("read from the old leader", s -> op[2] = script.get(s.node(old[0]), KEY))
        .await("answered or timed out", s -> op[2].completed())
        .then("heal", s -> {
          s.network.healPartitions();
          s.node(old[0]).clock.drift(0);
        });
    Scenario scenario = new Scenario(1, 3, 1, 1, 10, 1, true, true, 50, Set.of(),
        EnumSet.of(OpKind.PUT, OpKind.GET), SimCanary.NONE);
    return Simulation.scripted(scenario, script).run();
  }

  private static Finding linearizability(RunResult r) {
    return r.findings().stream().filter(f -> f.checker().equals("linearizability"))
        .findFirst().orElseThrow();
  }

  @Test
  void aLeaseReadOnASlowClockBeyondTheBoundIsCaughtAsStale() {
    // The old leader's clock runs at a tenth of the speed: its lease outlives the election.
    RunResult r = partitionedLeaderReads(ReadOnlyOption.LEASE_BASED, -900_000);
    assertThat(linearizability(r).valid()).as("%s", r.findings()).isFalse();
    assertThat(linearizability(r).detail()).contains("get " + KEY, "\"old\"");
    // A scripted schedule is as deterministic as a swarm run.
    assertThat(partitionedLeaderReads(ReadOnlyOption.LEASE_BASED, -900_000).traceHash())
        .isEqualTo(r.traceHash());
  }

  @Test
  void theSameScheduleWithReadIndexPasses() {
    RunResult r = partitionedLeaderReads(ReadOnlyOption.SAFE, -900_000);
    assertThat(r.valid()).as("%s", r).isTrue();
  }

  /**
   * A known defect of raft-core's LEASE_BASED mode, pinned so that it cannot go unnoticed:
   * there is no drift bound within which its lease reads are safe. The lease is CheckQuorum:
   * a leader steps down only at the second CheckQuorum after its last quorum contact, up to
   * two election timeouts of its own clock, while the followers may elect a new leader one
   * election timeout after the last heartbeat (as in etcd's raft). So the same schedule with
   * no drift at all serves a stale read. When raft-core bounds its lease by the election
   * timeout (less a drift margin) from the last quorum contact, this test fails: turn it into
   * "drift within the bound passes".
   */
  @Test
  void raftCoreLeaseReadsAreStaleEvenWithoutDrift() {
    RunResult r = partitionedLeaderReads(ReadOnlyOption.LEASE_BASED, 0);
    assertThat(linearizability(r).valid()).as("%s", r.findings()).isFalse();
    assertThat(linearizability(r).detail()).contains("get " + KEY, "\"old\"");
  }
}
