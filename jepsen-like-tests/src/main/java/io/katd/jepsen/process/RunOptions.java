package io.katd.jepsen.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a process run is asked to do.
 *
 * @param nodes 3 or 5 members
 * @param duration from the start of the workload to its end; faults fill the middle
 * @param faults the faults the nemesis may inject
 * @param seed draws the fault plan and the workload
 * @param jar the katd fat jar
 * @param outRoot reports go to {@code outRoot/<name>}
 * @param clients concurrent register clients
 * @param keys registers (keys) the clients share
 * @param snapshotThreshold katd's {@code --snapshot-threshold} for every member; 0 leaves
 *     katd's default, except with membership changes, which get
 *     {@value #MEMBERSHIP_SNAPSHOT_THRESHOLD} so that a new member catches up by snapshot
 */
public record RunOptions(int nodes, Duration duration, List<FaultPlan.Fault> faults, long seed,
    Path jar, Path outRoot, int clients, int keys, long snapshotThreshold) {

  public static final long MEMBERSHIP_SNAPSHOT_THRESHOLD = 100;

  /** Where reports land unless told otherwise, as for simulation runs. */
  public static final Path DEFAULT_ROOT = Path.of("target", "jepsen-like");
  public static final Path DEFAULT_JAR = Path.of("agent-cli", "target", "katd.jar");

  public RunOptions {
    if (nodes != 3 && nodes != 5) {
      throw new IllegalArgumentException("--nodes must be 3 or 5, got " + nodes);
    }
    if (duration.compareTo(Duration.ofSeconds(20)) < 0) {
      throw new IllegalArgumentException("--duration must be at least 20s, got " + duration);
    }
    if (clients < 1 || keys < 1) {
      throw new IllegalArgumentException("need at least one client and one key");
    }
    if (snapshotThreshold < 0) {
      throw new IllegalArgumentException("--snapshot-threshold must be 0 (katd's default) or"
          + " positive, got " + snapshotThreshold);
    }
    faults = List.copyOf(faults);
  }

  /** Options with katd's snapshot threshold left as it comes. */
  public RunOptions(int nodes, Duration duration, List<FaultPlan.Fault> faults, long seed,
      Path jar, Path outRoot, int clients, int keys) {
    this(nodes, duration, faults, seed, jar, outRoot, clients, keys, 0);
  }

  /** The threshold the members get, 0 for katd's default. */
  long effectiveSnapshotThreshold() {
    return snapshotThreshold > 0 ? snapshotThreshold
        : faults.contains(FaultPlan.Fault.MEMBERSHIP) ? MEMBERSHIP_SNAPSHOT_THRESHOLD : 0;
  }

  /** Parses a comma-separated fault list such as {@code kill,pause,partition}. */
  public static List<FaultPlan.Fault> parseFaults(String list) {
    if (list.isBlank() || list.equals("none")) {
      return List.of();
    }
    return java.util.Arrays.stream(list.split(",")).map(FaultPlan.Fault::parse).distinct()
        .toList();
  }

  String faultList() {
    return faults.isEmpty() ? "none" : faults.stream().map(FaultPlan.Fault::wireName)
        .collect(Collectors.joining(","));
  }

  /** The run's directory name. */
  String name() {
    return "process-seed-" + seed + "-n" + nodes;
  }

  long warmUpMillis() {
    return Math.max(5_000, duration.toMillis() / 10);
  }

  long faultsEndMillis() {
    return duration.toMillis() - Math.max(10_000, duration.toMillis() / 5);
  }

  String replayCommand() {
    return "bin/jepsen process --nodes " + nodes + " --duration " + duration.toSeconds()
        + "s --faults " + faultList() + " --workload register --seed " + seed
        + (snapshotThreshold > 0 ? " --snapshot-threshold " + snapshotThreshold : "");
  }
}
