package io.katd.jepsen.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Reproduces the verdict of every golden history in shared/testdata/linearizability. These
 * were recorded by other people against real systems; disagreeing with one means the
 * checker is wrong, whatever its own tests say.
 */
class GoldenHistoriesTest {
  // Generous on purpose: a slow CI machine must not turn a verdict into UNKNOWN.
  private static final Duration BUDGET_PER_FILE = Duration.ofSeconds(60);

  @TestFactory
  Stream<DynamicTest> jepsenEtcdRegisterHistories() throws IOException {
    Path dir = goldenDir().resolve("jepsen-etcd");
    Map<String, Verdict> expected = verdicts(dir.resolve("VERDICTS.tsv"));
    List<String> logs = fileNames(dir, ".log");
    assertThat(logs).as("every log in %s has a verdict and vice versa", dir)
        .isNotEmpty()
        .containsExactlyInAnyOrderElementsOf(expected.keySet());
    return logs.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
      History history = JepsenLogParser.parse(dir.resolve(name));
      checkAndReport(history, new RegisterModel(), expected.get(name));
    }));
  }

  @TestFactory
  Stream<DynamicTest> kvAppendHistories() throws IOException {
    Path dir = goldenDir().resolve("kv-append");
    List<String> files = fileNames(dir, ".txt");
    assertThat(files).as("kv-append histories in %s", dir).isNotEmpty();
    return files.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
      Verdict expected = name.endsWith("-ok.txt") ? Verdict.LINEARIZABLE
          : Verdict.NOT_LINEARIZABLE;
      assertThat(name).as("file names say -ok or -bad").matches(".*-(ok|bad)\\.txt");
      History history = EdnHistoryParser.parse(dir.resolve(name));
      checkAndReport(history, new KvModel(), expected);
    }));
  }

  private static <S> void checkAndReport(History history, Model<S> model, Verdict expected) {
    long start = System.nanoTime();
    CheckResult result = LinearizabilityChecker.check(history, model,
        Budget.ofTime(BUDGET_PER_FILE, System::nanoTime));
    long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    System.out.printf("%-16s %-17s %6d ms %9d steps %5d ops %3d parts%n", history.source(),
        result.verdict(), millis, result.steps(), result.operations(), result.partitions());
    assertThat(result.verdict()).as("%s: %s", history.source(), result.describe())
        .isEqualTo(expected);
    if (expected == Verdict.NOT_LINEARIZABLE) {
      assertThat(result.violation()).as("a violation explains the verdict").isPresent();
    }
  }

  /**
   * The golden data is not part of this repository: surefire passes its location, a
   * sibling of the repository root. Missing data is a failure, never a silent skip.
   */
  static Path goldenDir() {
    String testdata = System.getProperty("katd.testdata");
    if (testdata == null || testdata.isBlank()) {
      fail("system property katd.testdata is not set; run through Maven (surefire sets it)"
          + " or pass -Dkatd.testdata=<path to shared/testdata>");
    }
    Path dir = Path.of(testdata, "linearizability").toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      fail("golden histories not found at " + dir + ": shared/ must be a sibling of the"
          + " repository root, or pass -Dkatd.testdata=<path to shared/testdata>");
    }
    return dir;
  }

  private static List<String> fileNames(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix))
          .sorted().collect(Collectors.toList());
    }
  }

  private static Map<String, Verdict> verdicts(Path tsv) throws IOException {
    Map<String, Verdict> verdicts = new TreeMap<>();
    for (String line : Files.readAllLines(tsv)) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split("\t");
      assertThat(fields).as("%s: '%s'", tsv, line).hasSize(2);
      verdicts.put(fields[0], switch (fields[1]) {
        case "linearizable" -> Verdict.LINEARIZABLE;
        case "not-linearizable" -> Verdict.NOT_LINEARIZABLE;
        default -> throw new AssertionError(tsv + ": unknown verdict in '" + line + "'");
      });
    }
    return verdicts;
  }
}
