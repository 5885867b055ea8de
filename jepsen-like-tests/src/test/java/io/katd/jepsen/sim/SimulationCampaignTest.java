package io.katd.jepsen.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CI campaign: swarm scenarios derived from seeds, on 3 and 5 nodes, all of which must
 * pass; a few run twice to check that one seed gives one run; and together they must reach
 * every required coverage counter, or the campaign tested less than it claims.
 */
class SimulationCampaignTest {
  static final int SEEDS_PER_SIZE = 150;

  @Test
  void theCiCampaignPassesIsDeterministicAndReachesEveryCoverageCounter() {
    List<Scenario> scenarios = new ArrayList<>();
    for (long seed = 1; seed <= SEEDS_PER_SIZE; seed++) {
      scenarios.add(Scenario.fromSeed(seed, 3, 60));
      scenarios.add(Scenario.fromSeed(1000 + seed, 5, 60));
    }
    Campaign.Result r = Campaign.run("ci", scenarios, Campaign.DEFAULT_ROOT, 4, null,
        System.out);
    System.out.println("campaign ci: " + r.runs().size() + " runs, coverage "
        + r.coverage().asMap() + ", reports in " + r.dir().toAbsolutePath());
    assertThat(r.failures()).as("failing runs").isEmpty();
    assertThat(r.nondeterministic()).as("runs whose replay differed").isEmpty();
    assertThat(r.coverage().unreached()).as("coverage counters never reached").isEmpty();
  }
}
