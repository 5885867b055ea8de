package io.katd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * katd members as real processes ({@code java -jar target/katd.jar start}) on 127.0.0.1
 * with free ports, bootstrapped statically from one initial cluster. Each member writes
 * its log to {@code <dir>/<name>.log}. Closing kills whatever still runs.
 */
final class KatdProcesses implements AutoCloseable {
    static final Duration ELECTION_TIMEOUT = Duration.ofSeconds(1);
    static final Duration HEARTBEAT = Duration.ofMillis(100);

    /** One member's addresses. */
    record Spec(String name, int clientPort, int peerPort, int metricsPort) {
        String peerUrl() {
            return "http://127.0.0.1:" + peerPort;
        }

        String metricsUrl() {
            return "http://127.0.0.1:" + metricsPort;
        }

        /** host:port of the client URL, as etcdctl's --endpoints takes it. */
        String clientEndpoint() {
            return "127.0.0.1:" + clientPort;
        }

        String clientUrl() {
            return "http://127.0.0.1:" + clientPort;
        }
    }

    private final Path dir;
    private final String token;
    private final Map<String, Spec> specs = new LinkedHashMap<>();
    private final Map<String, Process> running = new LinkedHashMap<>();
    private final List<Process> all = new ArrayList<>();
    private final HealthProbe probe = new HealthProbe();

    KatdProcesses(Path dir, String token, String... names) {
        this.dir = dir;
        this.token = token;
        for (String n : names) {
            specs.put(n, new Spec(n, Ports.free(), Ports.free(), Ports.free()));
        }
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("katd.jar", "target/katd.jar"));
        assertThat(jar).as("the katd jar (built in the package phase)").exists();
        return jar;
    }

    String initialCluster() {
        return specs.values().stream().map(s -> s.name() + "=" + s.peerUrl())
                .collect(Collectors.joining(","));
    }

    Spec spec(String name) {
        return specs.get(name);
    }

    /** The client endpoints of {@code names}, comma-separated. */
    String endpoints(List<String> names) {
        return names.stream().map(n -> specs.get(n).clientEndpoint())
                .collect(Collectors.joining(","));
    }

    /** The client endpoints of every member, comma-separated. */
    String endpoints() {
        return endpoints(names());
    }

    Path dir() {
        return dir;
    }

    /** Whether the process of {@code name} runs. */
    boolean isRunning(String name) {
        Process p = running.get(name);
        return p != null && p.isAlive();
    }

    /** Runs {@code args} as a katd process (e.g. join) logging to {@code <dir>/<log>.log}. */
    Process launch(String log, List<String> args) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-jar",
                jar().toString()));
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve(log + ".log").toFile())).start();
            running.put(log, p);
            all.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> names() {
        return List.copyOf(specs.keySet());
    }

    long id(String name) {
        return MemberIds.memberId(name, token);
    }

    String nameOf(long id) {
        return specs.keySet().stream().filter(n -> id(n) == id).findFirst()
                .orElseThrow(() -> new AssertionError("no member has id " + MemberIds.hex(id)));
    }

    void startAll() {
        for (String n : specs.keySet()) {
            start(n);
        }
    }

    Process start(String name) {
        Spec s = specs.get(name);
        return start(s, initialCluster(), token);
    }

    /** Starts a member process with its own view of the cluster and token. */
    Process start(Spec s, String initialCluster, String clusterToken) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = List.of(java.toString(), "-Xmx256m", "-jar", jar().toString(),
                "start", "--name", s.name(), "--data-dir", dir.resolve(s.name()).toString(),
                "--listen-client-urls", "http://127.0.0.1:" + s.clientPort(),
                "--listen-peer-urls", s.peerUrl(), "--listen-metrics-urls", s.metricsUrl(),
                "--initial-cluster", initialCluster, "--initial-cluster-token", clusterToken,
                "--election-timeout", Durations.format(ELECTION_TIMEOUT),
                "--heartbeat-interval", Durations.format(HEARTBEAT));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve(s.name() + ".log").toFile())).start();
            running.put(s.name(), p);
            all.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kill -9. */
    void kill(String name) throws InterruptedException {
        Process p = running.remove(name);
        p.destroyForcibly();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as(name + " died").isTrue();
    }

    /** SIGTERM, then waits for the process to end; returns its exit status. */
    int terminate(String name) throws InterruptedException {
        Process p = running.remove(name);
        p.destroy();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(name + " exited after SIGTERM").isTrue();
        return p.exitValue();
    }

    Optional<HealthProbe.Answer> health(String name) {
        return health(specs.get(name));
    }

    Optional<HealthProbe.Answer> health(Spec s) {
        return probe.ask(s.metricsUrl());
    }

    String log(String name) {
        try {
            Path f = dir.resolve(name + ".log");
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until every member in {@code names} is healthy and names the same leader,
     * other than {@code not}; returns that leader's id.
     */
    long awaitLeader(List<String> names, long not, Duration timeout) {
        long[] leader = new long[1];
        await("members " + names + " agree on a healthy leader other than "
                + MemberIds.hex(not), timeout, () -> {
                    long seen = -1;
                    for (String n : names) {
                        Optional<HealthProbe.Answer> a = health(n);
                        if (a.isEmpty() || !a.get().healthy() || a.get().leader() == not
                                || (seen != -1 && a.get().leader() != seen)) {
                            return false;
                        }
                        seen = a.get().leader();
                    }
                    leader[0] = seen;
                    return true;
                });
        return leader[0];
    }

    /** Polls {@code condition} every 50 ms until it holds, failing after {@code timeout}. */
    void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what
                        + "\n" + logs());
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** The tail of every member's log, for failure messages. */
    String logs() {
        StringBuilder b = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                b.append("---- ").append(f.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 40), lines.size())
                        .forEach(l -> b.append(l).append('\n'));
            }
        } catch (IOException e) {
            b.append("(cannot read the logs: ").append(e).append(")\n");
        }
        return b.toString();
    }

    @Override
    public void close() {
        for (Process p : all) {
            p.destroyForcibly();
        }
        try {
            for (Process p : all) {
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
