package io.katd.raft.sim;

/**
 * Runs a scenario and, when it fails, turns the failure into a report a developer can act
 * on: the seed, the scenario, a one-line replay command and the last events before the
 * failure (obtained by running the scenario again, which reproduces it exactly).
 */
final class SimulationRunner {
    private static final int TAIL_EVENTS = 60;

    private SimulationRunner() {}

    static Stats runOrExplain(Scenario scenario, Checker extra) {
        try {
            return Simulation.run(scenario, extra);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(explain(scenario, e), e);
        }
    }

    private static String explain(Scenario scenario, Throwable failure) {
        TraceDigest tail = new TraceDigest(TAIL_EVENTS);
        try {
            Simulation.run(scenario, tail);
        } catch (AssertionError | RuntimeException expected) {
            // The same failure again; only the events leading to it are wanted.
        }
        return "simulation failed: " + failure + "\n  seed=" + scenario.seed()
                + "\n  scenario: " + scenario + "\n  replay: " + scenario.replayCommand()
                + "\n  last events:\n" + tail.recent().indent(4);
    }
}
