package io.katd.jepsen.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * katd members as real processes ({@code java -jar katd.jar start}) on 127.0.0.1,
 * bootstrapped statically from one initial cluster whose peer URLs are the proxies; later
 * members join with {@code katd join} and restart with {@code katd start}. Each member
 * logs to {@code <dir>/<name>.log}. Kill (-9), pause (SIGSTOP) and resume (SIGCONT) act on
 * the processes this class started; closing resumes paused ones and kills everything still
 * running. A member removed from the cluster is retired: its process ends on its own and
 * it is never started again.
 */
final class KatdCluster implements AutoCloseable {
  static final Duration ELECTION_TIMEOUT = Duration.ofSeconds(1);
  static final Duration HEARTBEAT = Duration.ofMillis(100);

  private final Path jar;
  private final Path dir;
  private final String token;
  private final long snapshotThreshold;
  private final List<Member> founding;
  // Every member ever started, founding ones first; joined members are appended.
  private final List<Member> members = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Set<String> joined = ConcurrentHashMap.newKeySet();
  private final Set<String> retired = ConcurrentHashMap.newKeySet();
  private final Map<String, Process> running = new ConcurrentHashMap<>();
  private final Set<String> paused = ConcurrentHashMap.newKeySet();
  private final List<Process> all = new ArrayList<>();

  KatdCluster(Path jar, Path dir, String token, List<Member> members) {
    this(jar, dir, token, members, 0);
  }

  /**
   * @param snapshotThreshold katd's {@code --snapshot-threshold} for every member, or 0 for
   *     katd's default
   */
  KatdCluster(Path jar, Path dir, String token, List<Member> members,
      long snapshotThreshold) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("no katd jar at " + jar.toAbsolutePath()
          + " (build it with: mvn -pl agent-cli -am package -DskipTests)");
    }
    this.jar = jar;
    this.dir = dir;
    this.token = token;
    this.snapshotThreshold = snapshotThreshold;
    this.founding = List.copyOf(members);
    this.members.addAll(members);
  }

  /** Every member ever started, retired ones included, by index. */
  List<Member> members() {
    return members;
  }

  /** The members not retired: the cluster's membership as this class made it. */
  List<Member> current() {
    return members.stream().filter(m -> !retired.contains(m.name())).toList();
  }

  /** The member of index {@code index} if it is a current one, or null (also for -1). */
  Member currentMember(int index) {
    if (index < 0 || index >= members.size()) {
      return null;
    }
    Member m = members.get(index);
    return retired.contains(m.name()) ? null : m;
  }

  Path dataDir(String name) {
    return dir.resolve(name);
  }

  Member member(String name) {
    return members.stream().filter(m -> m.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no member " + name));
  }

  String initialCluster() {
    return founding.stream().map(m -> m.name() + "=" + m.advertisedPeerUrl())
        .collect(Collectors.joining(","));
  }

  void startAll() {
    founding.forEach(m -> start(m.name()));
  }

  /**
   * Starts a member: a founding one with its static bootstrap command line (the same on
   * every start), a joined one with {@code katd start} from its data directory.
   */
  synchronized void start(String name) {
    if (retired.contains(name)) {
      throw new IllegalStateException(name + " was removed from the cluster");
    }
    List<String> cmd = new ArrayList<>(List.of("start"));
    cmd.addAll(memberFlags(member(name)));
    if (!joined.contains(name)) {
      cmd.addAll(List.of("--initial-cluster", initialCluster(), "--initial-cluster-state",
          "new", "--initial-cluster-token", token));
    }
    launch(name, cmd);
  }

  /**
   * Adds {@code m} to the cluster: {@code katd join} through the client URLs of
   * {@code through}, which adds it as a learner (MemberAdd), starts it empty so the leader
   * catches it up, and promotes it to voter once in sync.
   */
  synchronized void join(Member m, List<Member> through) {
    if (members.stream().anyMatch(x -> x.name().equals(m.name()))) {
      throw new IllegalArgumentException("member " + m.name() + " exists already");
    }
    if (m.index() != members.size()) {
      throw new IllegalArgumentException("member " + m.name() + " has index " + m.index()
          + ", the next free one is " + members.size());
    }
    members.add(m);
    joined.add(m.name());
    List<String> cmd = new ArrayList<>(List.of("join", "--peers", through.stream()
        .map(x -> Member.url(x.clientPort())).collect(Collectors.joining(","))));
    cmd.addAll(memberFlags(m));
    launch(m.name(), cmd);
  }

  /**
   * The member was removed from the cluster: its process ends on its own (katd stops once
   * it sees its removal applied); it is killed if it has not within {@code grace}.
   */
  void retire(String name, Duration grace) throws InterruptedException {
    retired.add(name);
    Process p;
    synchronized (this) {
      p = running.get(name);
      if (p != null && paused.remove(name)) {
        signal(p, "CONT");
      }
    }
    if (p != null && !p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      kill(name);
    }
    running.remove(name);
  }

  boolean isRetired(String name) {
    return retired.contains(name);
  }

  private List<String> memberFlags(Member m) {
    List<String> flags = new ArrayList<>(List.of("--name", m.name(), "--data-dir",
        dataDir(m.name()).toString(),
        "--listen-client-urls", Member.url(m.clientPort()),
        "--listen-peer-urls", Member.url(m.peerPort()),
        "--initial-advertise-peer-urls", m.advertisedPeerUrl(),
        "--listen-metrics-urls", Member.url(m.metricsPort()),
        "--election-timeout", ELECTION_TIMEOUT.toMillis() + "ms",
        "--heartbeat-interval", HEARTBEAT.toMillis() + "ms"));
    if (snapshotThreshold > 0) {
      flags.addAll(List.of("--snapshot-threshold", Long.toString(snapshotThreshold)));
    }
    return flags;
  }

  private void launch(String name, List<String> args) {
    if (running.containsKey(name)) {
      throw new IllegalStateException(name + " is already running");
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx256m",
        "-XX:+UseSerialGC", "-jar", jar.toString()));
    cmd.addAll(args);
    try {
      Files.createDirectories(dir);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log")
              .toFile())).start();
      running.put(name, p);
      all.add(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean isRunning(String name) {
    return running.containsKey(name);
  }

  boolean isPaused(String name) {
    return paused.contains(name);
  }

  /** kill -9, and waits until the process is gone. */
  synchronized void kill(String name) throws InterruptedException {
    Process p = running.remove(name);
    if (p == null) {
      return;
    }
    if (paused.remove(name)) {
      signal(p, "CONT");
    }
    p.destroyForcibly();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " did not die within 10 s of kill -9");
    }
  }

  /** SIGSTOP. */
  synchronized void pause(String name) {
    Process p = running.get(name);
    if (p != null && paused.add(name)) {
      signal(p, "STOP");
    }
  }

  /** SIGCONT. */
  synchronized void resume(String name) {
    Process p = running.get(name);
    if (p != null && paused.remove(name)) {
      signal(p, "CONT");
    }
  }

  private static void signal(Process p, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
          .redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + p.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + signal, e);
    }
  }

  /** Everything member {@code name} logged so far, across its restarts. */
  String log(String name) {
    Path f = dir.resolve(name + ".log");
    try {
      return Files.exists(f) ? Files.readString(f) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last {@code lines} lines of every member's log. */
  String logTails(int lines) {
    StringBuilder b = new StringBuilder();
    for (Member m : members) {
      Path f = dir.resolve(m.name() + ".log");
      try {
        List<String> all = Files.exists(f) ? Files.readAllLines(f) : List.of();
        b.append("---- ").append(f.getFileName()).append('\n');
        all.subList(Math.max(0, all.size() - lines), all.size())
            .forEach(l -> b.append(l).append('\n'));
      } catch (IOException e) {
        b.append("(cannot read ").append(f).append(": ").append(e).append(")\n");
      }
    }
    return b.toString();
  }

  /** Exit codes of members that died on their own (not killed by this class). */
  Map<String, Integer> crashed() {
    Map<String, Integer> out = new HashMap<>();
    running.forEach((n, p) -> {
      if (!p.isAlive() && !retired.contains(n)) {
        out.put(n, p.exitValue());
      }
    });
    return out;
  }

  @Override
  public synchronized void close() {
    for (String name : List.copyOf(paused)) {
      resume(name);
    }
    for (Process p : all) {
      p.destroyForcibly();
    }
    for (Process p : all) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    running.clear();
  }
}
