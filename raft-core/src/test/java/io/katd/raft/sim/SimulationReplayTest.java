package io.katd.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Replays one scenario: the one given as {@code -Dkatd.sim.scenario=...} (the recipe a
 * failing property prints), or else a fixed typical one. Running it twice must produce
 * the same trace, event for event: the determinism self-check.
 */
class SimulationReplayTest {
    @Test
    void replayingAScenarioReproducesItsTraceExactly() {
        String given = System.getProperty(Scenario.REPLAY_PROPERTY);
        Scenario scenario = given == null || given.isBlank()
                ? Scenario.typical(20_240_611L, 5) : Scenario.parse(given);
        TraceDigest first = new TraceDigest(0);
        TraceDigest second = new TraceDigest(0);
        SimulationRunner.runOrExplain(scenario, first);
        SimulationRunner.runOrExplain(scenario, second);
        assertThat(first.count()).isGreaterThan(1000);
        assertThat(second.count()).isEqualTo(first.count());
        assertThat(second.hash()).isEqualTo(first.hash());
    }

    @Test
    void differentSeedsProduceDifferentTraces() {
        TraceDigest a = new TraceDigest(0);
        TraceDigest b = new TraceDigest(0);
        SimulationRunner.runOrExplain(Scenario.typical(1, 3), a);
        SimulationRunner.runOrExplain(Scenario.typical(2, 3), b);
        assertThat(a.hash()).isNotEqualTo(b.hash());
    }

    @Test
    void aScenarioSurvivesItsOneLineForm() {
        Scenario s = Scenario.typical(-7, 5);
        assertThat(Scenario.parse(s.toString())).isEqualTo(s);
        assertThat(s.replayCommand()).contains("-Dkatd.sim.scenario='seed=-7,size=5,");
    }
}
