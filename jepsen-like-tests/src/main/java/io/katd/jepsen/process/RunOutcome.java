package io.katd.jepsen.process;

import io.katd.jepsen.check.Finding;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a process run gave.
 *
 * @param verdict valid, invalid or unknown (the linearizability search gave up)
 * @param findings every checker's verdict
 * @param coverage counters of what the run did and reached
 * @param dir the report directory
 */
public record RunOutcome(String verdict, List<Finding> findings, Map<String, Long> coverage,
    Path dir) {

  public boolean valid() {
    return verdict.equals("valid");
  }

  public long count(String counter) {
    return coverage.getOrDefault(counter, 0L);
  }

  @Override
  public String toString() {
    return verdict + " " + findings.stream().filter(f -> !f.valid()).toList() + " "
        + coverage + " report: " + dir.toAbsolutePath();
  }
}
