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
 * bootstrapped statically from one initial cluster whose peer URLs are the proxies. Each
 * member logs to {@code <dir>/<name>.log}. Kill (-9), pause (SIGSTOP) and resume
 * (SIGCONT) act on the processes this class started; closing resumes paused ones and kills
 * everything still running.
 */
final class KatdCluster implements AutoCloseable {
  static final Duration ELECTION_TIMEOUT = Duration.ofSeconds(1);
  static final Duration HEARTBEAT = Duration.ofMillis(100);

  private final Path jar;
  private final Path dir;
  private final String token;
  private final List<Member> members;
  private final Map<String, Process> running = new ConcurrentHashMap<>();
  private final Set<String> paused = ConcurrentHashMap.newKeySet();
  private final List<Process> all = new ArrayList<>();

  KatdCluster(Path jar, Path dir, String token, List<Member> members) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("no katd jar at " + jar.toAbsolutePath()
          + " (build it with: mvn -pl agent-cli -am package -DskipTests)");
    }
    this.jar = jar;
    this.dir = dir;
    this.token = token;
    this.members = List.copyOf(members);
  }

  List<Member> members() {
    return members;
  }

  Member member(String name) {
    return members.stream().filter(m -> m.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no member " + name));
  }

  String initialCluster() {
    return members.stream().map(m -> m.name() + "=" + m.advertisedPeerUrl())
        .collect(Collectors.joining(","));
  }

  void startAll() {
    members.forEach(m -> start(m.name()));
  }

  synchronized void start(String name) {
    if (running.containsKey(name)) {
      throw new IllegalStateException(name + " is already running");
    }
    Member m = member(name);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = List.of(java.toString(), "-Xmx256m", "-XX:+UseSerialGC", "-jar",
        jar.toString(), "start", "--name", name, "--data-dir", dir.resolve(name).toString(),
        "--listen-client-urls", Member.url(m.clientPort()),
        "--listen-peer-urls", Member.url(m.peerPort()),
        "--initial-advertise-peer-urls", m.advertisedPeerUrl(),
        "--listen-metrics-urls", Member.url(m.metricsPort()),
        "--initial-cluster", initialCluster(), "--initial-cluster-state", "new",
        "--initial-cluster-token", token,
        "--election-timeout", ELECTION_TIMEOUT.toMillis() + "ms",
        "--heartbeat-interval", HEARTBEAT.toMillis() + "ms");
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
      if (!p.isAlive()) {
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
