package io.katd.jepsen.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CI membership run: 45 seconds of register workload on three katd processes while a
 * fourth member joins (as a learner, caught up by snapshot under a low snapshot threshold,
 * then promoted) and the leader is removed, with bad peers on the peer ports and half-open
 * connections left behind (which the members must notice by their probes and replace, or
 * the final checks fail). The checkers run over the final membership; the run must be valid
 * and every change must really have happened.
 */
class ProcessMembershipIT {
  static RunOptions options(Path jar) {
    return new RunOptions(3, Duration.ofSeconds(45), List.of(FaultPlan.Fault.MEMBERSHIP,
        FaultPlan.Fault.GARBAGE, FaultPlan.Fault.HALF_OPEN), 4, jar, RunOptions.DEFAULT_ROOT, 3,
        8);
  }

  @Test
  void aJoinAPromotionAndTheLeadersRemovalAmidBadPeersAndHalfOpenLinksAreValid() throws Exception {
    RunOutcome r = ProcessRun.run(options(ProcessRunIT.jar()), System.out);

    assertThat(r.valid()).as("verdict of %s", r).isTrue();
    assertThat(r.count("memberAdds")).as("members added").isPositive();
    assertThat(r.count("joinedSnapshotInstalls")).as("joined members caught up by snapshot")
        .isPositive();
    assertThat(r.count("memberRemoves")).as("members removed").isPositive();
    assertThat(r.count("leaderRemovals")).as("leaders removed").isPositive();
    assertThat(r.count("joinedVotersAtEnd")).as("joined members promoted to voter")
        .isPositive();
    assertThat(r.count("badPeerConnections")).as("bad peer connections closed")
        .isGreaterThanOrEqualTo(BadPeer.Input.values().length);
    assertThat(r.count("halfOpen")).as("half-open windows").isPositive();
    assertThat(r.count("proxyStalls")).as("connections half-open links stalled")
        .isPositive();
    assertThat(r.findings()).extracting(f -> f.checker()).contains("linearizability",
        "lost-writes", "member-histories", "convergence", "election-safety", "watch",
        "final-write", "final-reads", "members-alive");
  }
}
