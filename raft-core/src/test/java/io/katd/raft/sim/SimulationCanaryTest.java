package io.katd.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The harness must catch a planted bug: a disk whose fsync does nothing, so that votes,
 * terms and commit indexes a node has promised can vanish in a crash. Caught at once by
 * {@link ReplyDurability}; and without that checker, by the consequences it prevents (a
 * node voting twice in a term, two leaders in a term) in some crash-heavy run.
 */
class SimulationCanaryTest {
    // No compaction and no membership changes: a lost commit index below a compacted log
    // would make the node fail-stop at restart, before a checker sees anything.
    private static Scenario crashHeavy(long seed) {
        return new Scenario.Builder().with("seed", seed).with("size", 3)
                .with("preVote", false).with("checkQuorum", false).with("crash", 0.08)
                .with("loseUnsynced", 1.0).with("faultTicks", 300).with("confChange", 0.0)
                .with("snapshotEvery", 100_000).build();
    }

    private static String failure(Scenario s, Checker checkers) {
        try {
            new Simulation(s, checkers, false).run();
            return null;
        } catch (InvariantViolation e) {
            return e.getMessage();
        }
    }

    @Test
    void aNoopFsyncIsCaughtByReplyDurability() {
        assertThat(failure(crashHeavy(1), Checkers.standard(Simulation.LEADER_BOUND_TICKS)))
                .startsWith("ReplyDurability:");
    }

    @Test
    void aNoopFsyncIsCaughtByTheSafetyCheckersAlone() {
        String caught = null;
        for (long seed = 1; seed <= 40 && caught == null; seed++) {
            caught = failure(crashHeavy(seed), new Checkers().add(new VoteSafety())
                    .add(new ElectionSafety()).add(new LeaderCompleteness())
                    .add(new StateMachineSafety()).add(new LogMatching()));
        }
        assertThat(caught).isNotNull().matches("(VoteSafety|ElectionSafety|LeaderCompleteness"
                + "|StateMachineSafety|LogMatching):.*");
    }

    @Test
    void theSameScenariosPassWithAWorkingFsync() {
        for (long seed = 1; seed <= 3; seed++) {
            SimulationRunner.runOrExplain(crashHeavy(seed), null);
        }
    }
}
