package io.katd.jepsen.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Swarm testing of whole simulated clusters: jqwik draws the cluster size, the timing knobs,
 * a subset of the fault kinds and a subset of the operation kinds, and shrinks a failing
 * scenario. Every failing scenario is saved (target/jepsen-like/failures/) and printed with
 * its replay command.
 */
class SimulationProperties {

  @Property(tries = 200, seed = "20261123")
  void everySwarmScenarioPassesEveryChecker(@ForAll("scenarios") Scenario scenario) {
    RunResult r = new Simulation(scenario).run();
    if (!r.valid()) {
      Campaign.saveFailure("property", r, Campaign.DEFAULT_ROOT, System.out);
    }
    assertThat(r.valid()).as("%s%nscenario: %s", r, scenario.toJson()).isTrue();
  }

  private record Timing(long seed, int nodes, int clients, int ops, int electionTicks,
      int heartbeatTicks, boolean preVote, boolean checkQuorum) {}

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Timing> timing = Combinators.combine(Arbitraries.longs(),
        Arbitraries.of(3, 5), Arbitraries.integers().between(1, 4),
        Arbitraries.integers().between(10, 70), Arbitraries.integers().between(8, 15),
        Arbitraries.integers().between(1, 3), Arbitraries.of(true, false),
        Arbitraries.of(true, false)).as(Timing::new);
    Arbitrary<Set<FaultKind>> faults = Arbitraries.subsetOf(FaultKind.values());
    Arbitrary<Set<OpKind>> ops = Arbitraries.subsetOf(OpKind.values());
    Arbitrary<Integer> snapshotEvery = Arbitraries.integers().between(3, 80);
    return Combinators.combine(timing, faults, ops, snapshotEvery).as((t, f, o, snap) ->
        new Scenario(t.seed(), t.nodes(), t.clients(), t.ops(), t.electionTicks(),
            t.heartbeatTicks(), t.preVote(), t.checkQuorum(), snap,
            f.isEmpty() ? EnumSet.noneOf(FaultKind.class) : EnumSet.copyOf(f),
            o.isEmpty() ? EnumSet.noneOf(OpKind.class) : EnumSet.copyOf(o), SimCanary.NONE));
  }
}
