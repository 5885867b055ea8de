package io.katd.jepsen.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every scenario file under src/test/resources/scenarios/: each once failed (a bug in
 * the harness or the store, since fixed) and must now pass, the same way twice.
 */
class SimulationRegressionTest {
  static final Path DIR = Path.of("src/test/resources/scenarios");

  @TestFactory
  Stream<DynamicTest> everySavedScenarioPasses() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).as("scenario files in %s", DIR.toAbsolutePath()).isNotEmpty();
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      Scenario s = Scenario.fromJson(Files.readString(f));
      RunResult r = new Simulation(s).run();
      if (!r.valid()) {
        Campaign.saveFailure("regression", r, Campaign.DEFAULT_ROOT, System.out);
      }
      assertThat(r.valid()).as("%s", r).isTrue();
      assertThat(new Simulation(s).run().traceHash()).as("replay of %s", f)
          .isEqualTo(r.traceHash());
    }));
  }
}
