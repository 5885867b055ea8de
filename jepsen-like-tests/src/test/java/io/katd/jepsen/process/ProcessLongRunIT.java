package io.katd.jepsen.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Long process runs with every fault, on three and five members; only with the jepsen-long
 * profile ({@code -Pjepsen-long}). Each must be valid and reach every fault it asked for.
 */
@EnabledIfSystemProperty(named = "katd.jepsen.long", matches = "true")
class ProcessLongRunIT {
  @ParameterizedTest(name = "{0} nodes, {1} s, seed {2}")
  @CsvSource({"3, 300, 101", "5, 300, 102"})
  void longRunWithEveryFaultIsValid(int nodes, int seconds, long seed) throws Exception {
    List<FaultPlan.Fault> faults = List.of(FaultPlan.Fault.values());
    RunOptions options = new RunOptions(nodes, Duration.ofSeconds(seconds), faults, seed,
        ProcessRunIT.jar(), RunOptions.DEFAULT_ROOT, nodes, 8);

    RunOutcome r = ProcessRun.run(options, System.out);

    assertThat(r.valid()).as("verdict of %s", r).isTrue();
    for (String counter : List.of("kills", "restarts", "pauses", "slows", "partitions", "flapping",
        "delays", "resets", "halfOpen", "badPeerConnections", "memberAdds", "memberRemoves",
        "leaderChanges")) {
      assertThat(r.count(counter)).as(counter).isPositive();
    }
  }
}
