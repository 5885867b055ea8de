package io.katd.jepsen.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The long campaign, behind the jepsen-long Maven profile: many more seeds and longer
 * workloads than CI runs, with the same verdicts and coverage requirements.
 */
@EnabledIfSystemProperty(named = "katd.jepsen.long", matches = "true")
class SimulationLongCampaignTest {
  @Test
  void theLongCampaignPasses() {
    int seeds = Integer.getInteger("katd.jepsen.long.seeds", 2000);
    List<Scenario> scenarios = new ArrayList<>();
    for (long seed = 1; seed <= seeds; seed++) {
      scenarios.add(Scenario.fromSeed(100_000 + seed, 3, 200));
      scenarios.add(Scenario.fromSeed(200_000 + seed, 5, 200));
    }
    Campaign.Result r = Campaign.run("long", scenarios, Campaign.DEFAULT_ROOT, 20, null,
        System.out);
    System.out.println("campaign long: " + r.runs().size() + " runs, coverage "
        + r.coverage().asMap() + ", reports in " + r.dir().toAbsolutePath());
    assertThat(r.failures()).as("failing runs").isEmpty();
    assertThat(r.nondeterministic()).as("runs whose replay differed").isEmpty();
    assertThat(r.coverage().unreached()).as("coverage counters never reached").isEmpty();
  }
}
