package io.katd.jepsen.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.jepsen.check.Finding;
import io.katd.raft.ReadOnlyOption;
import java.util.EnumSet;
import java.util.List;
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
    // The old leader's clock runs at a tenth of the speed (-900,000 ppm, far beyond the
    // bound of about -111,000 ppm, see below): its lease of 8 of its ticks lasts about 80
    // ticks of the others, while they elect a new leader after 10 to 20 ticks, and it
    // serves the read from its own stale state within that lease.
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
   * Drift within the bound: raft-core's lease lasts while a quorum acknowledged a heartbeat
   * the leader sent less than electionTicks - leaseDriftMarginTicks of its ticks ago. Here
   * electionTicks is 10 and the default margin 2 (Config.defaultLeaseDriftMarginTicks): the
   * lease ends at most 8 leader tick periods after the send, while a follower that got the
   * heartbeat may vote only 9 of its own periods later at the earliest. So a leader clock
   * up to 1/9 (about 111,000 ppm) slow is safe. 0 and -50,000 ppm (5% slow) are inside, and
   * +50,000 (fast) only shortens the lease. The old leader, cut off, must not serve the
   * stale "old" value: its read either goes the quorum way and times out, or is not served.
   * Before the lease was bounded (it was CheckQuorum's, up to two election timeouts), the
   * run with no drift at all read "old".
   */
  @Test
  void leaseReadsWithDriftWithinTheBoundAreLinearizable() {
    for (long ppm : new long[] {0, -50_000, 50_000}) {
      RunResult r = partitionedLeaderReads(ReadOnlyOption.LEASE_BASED, ppm);
      assertThat(linearizability(r).valid()).as("drift %d ppm: %s", ppm, r.findings())
          .isTrue();
    }
  }

  private static SimNode newLeader(Simulation s, long old) {
    return s.running().stream().filter(n -> n.id != old && n.isLeader()
        && n.term() > s.node(old).term()).findFirst().orElse(null);
  }

  /**
   * A voter restarts inside the lease it gave: after a write both followers hold, the
   * leader is cut off from one follower and holds its lease from the acks of the other; it
   * is then cut off from that one too, which crashes and restarts at once. The first
   * follower campaigns straight away and asks the restarted one for its vote. A restarted voter that voted at once
   * would elect it within the old leader's lease, and the old leader would serve "old"
   * after "new" was acknowledged; raft-core's restarted voter keeps the lease for an
   * election timeout, so the old leader's lease ends first and its read is not stale.
   */
  @Test
  void aVoterThatRestartsWithinTheLeaseDoesNotCutItShort() {
    Script script = new Script().readOnly(ReadOnlyOption.LEASE_BASED);
    long[] ids = {0, 0, 0}; // old leader, candidate, restarted voter
    Script.Op[] op = new Script.Op[3];
    script.await("a leader", s -> s.leader() != null)
        .then("write through it", s -> {
          ids[0] = s.leader().id;
          List<Long> others = s.nodeIds().stream().filter(id -> id != ids[0]).toList();
          ids[1] = others.get(0);
          ids[2] = others.get(1);
          op[0] = script.put(s.node(ids[0]), KEY, "old");
        })
        .await("acknowledged by both followers", s -> op[0].ok()
            && s.node(ids[1]).readLocal(KEY).equals("old")
            && s.node(ids[2]).readLocal(KEY).equals("old"))
        .then("cut one follower off from the leader", s -> {
          s.network.cut(ids[0], ids[1]);
          s.network.cut(ids[1], ids[0]);
        })
        .pause("the leader's lease rests on the other follower", 3 * Simulation.TICK_MICROS)
        .then("cut the other follower off, crash it and restart it", s -> {
          s.network.cut(ids[0], ids[2]);
          s.network.cut(ids[2], ids[0]);
          s.crash(s.node(ids[2]), "crash (kill -9)");
          s.restartLater(s.node(ids[2]), 0);
        })
        .await("the voter is back", s -> s.node(ids[2]).canRun())
        .then("the cut-off follower campaigns", s -> s.node(ids[1]).guarded(() -> {
          s.node(ids[1]).raw.campaign();
          s.node(ids[1]).process();
        }))
        .await("a new leader", s -> newLeader(s, ids[0]) != null)
        .then("write through it", s -> op[1] = script.put(newLeader(s, ids[0]), KEY, "new"))
        .await("acknowledged", s -> op[1].ok())
        .then("read from the old leader", s -> op[2] = script.get(s.node(ids[0]), KEY))
        .await("answered or timed out", s -> op[2].completed())
        .then("heal", s -> s.network.healPartitions());
    Scenario scenario = new Scenario(1, 3, 1, 1, 10, 1, true, true, 50, Set.of(),
        EnumSet.of(OpKind.PUT, OpKind.GET), SimCanary.NONE);
    RunResult r = Simulation.scripted(scenario, script).run();

    assertThat(r.valid()).as("%s", r).isTrue();
    assertThat(op[1].ok()).as("the new leader's write").isTrue();
    assertThat(linearizability(r).valid()).as("%s", r.findings()).isTrue();
  }
}
