package io.katd.agent;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code katd local}: a cluster of separate katd processes on 127.0.0.1 for trying katd
 * out. Each member runs {@code java -jar katd.jar start} with static bootstrap; the
 * command waits for a leader, prints the endpoints and stops every member on Ctrl-C or
 * SIGTERM.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Runs a local cluster: one katd process per member on 127.0.0.1,"
                + " until Ctrl-C or SIGTERM.",
                "Member i (from 0) uses ports base+10i (clients), base+10i+1 (peers) and"
                        + " base+10i+2 (/health, /metrics); data and logs go under --dir."})
final class LocalCommand implements Callable<Integer> {
    private static final long LEADER_WAIT_MILLIS = 60_000;
    private static final long STOP_WAIT_SECONDS = 15;

    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", defaultValue = "3", description = "members (default: 3)")
    int nodes;

    @Option(names = "--dir", defaultValue = "target/katd-local",
            description = "data directories and logs (default: target/katd-local)")
    Path dir;

    @Option(names = "--base-port", defaultValue = "23790",
            description = "the first port (default: 23790)")
    int basePort;

    @Override
    public Integer call() throws Exception {
        if (nodes < 1 || nodes > 9) {
            throw new ConfigException("--nodes: " + nodes + " is out of range (1-9)");
        }
        if (basePort < 1 || basePort + 10 * nodes > 65535) {
            throw new ConfigException("--base-port: " + basePort + " leaves no room for "
                    + nodes + " members below 65536");
        }
        Path jar = ownJar();
        Files.createDirectories(dir);
        List<String> cluster = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            cluster.add(name(i) + "=" + url(port(i, 1)));
        }
        List<Process> members = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(members),
                "katd-local-stop"));
        for (int i = 0; i < nodes; i++) {
            members.add(launch(jar, i, String.join(",", cluster)));
        }
        PrintWriter out = spec.commandLine().getOut();
        Optional<HealthProbe.Answer> leader = awaitLeader(members);
        if (leader.isEmpty()) {
            spec.commandLine().getErr().println("katd local: no leader within "
                    + LEADER_WAIT_MILLIS / 1000 + " s; see the logs in " + dir);
            stopAll(members);
            return Katd.FAILURE;
        }
        printEndpoints(out, leader.get());
        for (Process p : members) {
            p.waitFor();
        }
        return Katd.OK;
    }

    private Process launch(Path jar, int i, String cluster) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = List.of(java.toString(), "-jar", jar.toString(), "start",
                "--name", name(i), "--data-dir", dir.resolve(name(i)).toString(),
                "--listen-client-urls", url(port(i, 0)),
                "--listen-peer-urls", url(port(i, 1)),
                "--listen-metrics-urls", url(port(i, 2)),
                "--initial-cluster", cluster, "--initial-cluster-token", "katd-local");
        Path log = dir.resolve(name(i) + ".log");
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private Optional<HealthProbe.Answer> awaitLeader(List<Process> members)
            throws InterruptedException {
        HealthProbe probe = new HealthProbe();
        long deadline = System.currentTimeMillis() + LEADER_WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            for (int i = 0; i < nodes; i++) {
                if (!members.get(i).isAlive()) {
                    return Optional.empty();
                }
                Optional<HealthProbe.Answer> a = probe.ask(url(port(i, 2)));
                if (a.isPresent() && a.get().healthy()) {
                    return a;
                }
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return Optional.empty();
    }

    private void printEndpoints(PrintWriter out, HealthProbe.Answer leader) {
        out.printf("katd local: %d members up, leader %s at term %d%n", nodes,
                MemberIds.hex(leader.leader()), leader.term());
        for (int i = 0; i < nodes; i++) {
            out.printf("  %s  client %s  peer %s  health %s/health  metrics %s/metrics"
                    + "  log %s%n", name(i), url(port(i, 0)), url(port(i, 1)),
                    url(port(i, 2)), url(port(i, 2)), dir.resolve(name(i) + ".log"));
        }
        String endpoints = java.util.stream.IntStream.range(0, nodes)
                .mapToObj(i -> "127.0.0.1:" + port(i, 0)).collect(Collectors.joining(","));
        out.println("client endpoints (etcdctl --endpoints): " + endpoints);
        out.println("Ctrl-C stops every member.");
        out.flush();
    }

    private static void stopAll(List<Process> members) {
        for (Process p : members) {
            p.destroy();
        }
        for (Process p : members) {
            try {
                if (!p.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private int port(int member, int which) {
        return basePort + 10 * member + which;
    }

    private static String name(int i) {
        return "n" + (i + 1);
    }

    private static String url(int port) {
        return "http://127.0.0.1:" + port;
    }

    private static Path ownJar() {
        try {
            Path p = Path.of(Katd.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI());
            if (!p.toString().endsWith(".jar")) {
                throw new IllegalStateException("katd local starts its members from the katd"
                        + " jar; run it with bin/katd local (found classes in " + p + ")");
            }
            return p;
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the katd jar", e);
        }
    }
}
