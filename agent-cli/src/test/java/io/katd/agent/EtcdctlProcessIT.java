package io.katd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real etcdctl binary (API v3) against three katd processes; one cluster per class. */
class EtcdctlProcessIT {
    @TempDir
    static Path tmp;

    static KatdProcesses cluster;
    static String endpoints;

    @BeforeAll
    static void startCluster() {
        Commands.etcdctl();
        cluster = new KatdProcesses(tmp, "it-etcdctl", "n1", "n2", "n3");
        cluster.startAll();
        cluster.awaitLeader(cluster.names(), 0, Duration.ofSeconds(60));
        endpoints = cluster.endpoints();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Commands.Result etcdctl(String... args) {
        return Commands.etcdctl(endpoints, "", args);
    }

    @Test
    void putGetAndDeleteByPrefix() {
        assertThat(etcdctl("put", "/p/a", "1").ok().out()).isEqualTo("OK\n");
        etcdctl("put", "/p/b", "2").ok();
        etcdctl("put", "/q", "3").ok();
        assertThat(etcdctl("get", "/p/", "--prefix").ok().out()).isEqualTo("/p/a\n1\n/p/b\n2\n");
        assertThat(etcdctl("get", "/p/a", "--consistency", "s").ok().out())
                .isEqualTo("/p/a\n1\n");
        assertThat(etcdctl("del", "/p/", "--prefix").ok().out()).isEqualTo("2\n");
        assertThat(etcdctl("get", "/p/", "--prefix").ok().out()).isEmpty();
        assertThat(etcdctl("get", "/q").ok().out()).isEqualTo("/q\n3\n");
    }

    @Test
    void transactionTakesTheBranchItsComparesChoose() {
        etcdctl("put", "/txn/k", "v1").ok();
        String txn = "value(\"/txn/k\") = \"v1\"\n\nput /txn/k v2\nput /txn/other yes\n\n"
                + "put /txn/k failed\n\n";
        assertThat(Commands.etcdctl(endpoints, txn, "txn").ok().out())
                .startsWith("SUCCESS");
        assertThat(etcdctl("get", "/txn/k").ok().out()).isEqualTo("/txn/k\nv2\n");
        // The same compare now fails: the failure branch runs.
        assertThat(Commands.etcdctl(endpoints, txn, "txn").ok().out())
                .startsWith("FAILURE");
        assertThat(etcdctl("get", "/txn/k").ok().out()).isEqualTo("/txn/k\nfailed\n");
    }

    @Test
    void aWatchingEtcdctlPrintsEachChange() throws Exception {
        List<String> cmd = List.of(Commands.etcdctl().toString(), "--endpoints",
                cluster.spec("n2").clientEndpoint(), "watch", "/w/", "--prefix");
        Process watcher = Commands.builder(cmd).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(
                    watcher.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (java.io.IOException e) {
                lines.add("read failed: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            // etcdctl prints nothing when the watch is set, so write until an event shows.
            String first = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (first == null && System.nanoTime() < deadline) {
                etcdctl("put", "/w/ready", "x").ok();
                first = lines.poll(500, TimeUnit.MILLISECONDS);
            }
            assertThat(first).as("first watch line").isEqualTo("PUT");
            lines.clear();
            // Only what follows the marker counts: later readiness puts may still arrive.
            etcdctl("put", "/w/a", "1").ok();
            etcdctl("del", "/w/a").ok();
            List<String> expected = List.of("PUT", "/w/a", "1", "DELETE", "/w/a");
            StringBuilder seen = new StringBuilder();
            int matched = 0;
            while (matched < expected.size()) {
                String l = lines.poll(10, TimeUnit.SECONDS);
                assertThat(l).as("watch output so far:\n" + seen).isNotNull();
                seen.append(l).append('\n');
                if (l.equals(expected.get(matched))) {
                    matched++;
                } else if (matched > 0) {
                    assertThat(l).as("watch output:\n" + seen).isEqualTo(expected.get(matched));
                }
            }
        } finally {
            watcher.destroyForcibly();
            watcher.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aKeyOnALeaseOutlivesItsTtlWhileKeptAliveAndGoesWhenItExpires() {
        String grant = etcdctl("lease", "grant", "2").ok().out();
        Matcher m = Pattern.compile("lease ([0-9a-f]+) granted with TTL\\(2s\\)").matcher(grant);
        assertThat(m.find()).as(grant).isTrue();
        String lease = m.group(1);
        etcdctl("put", "--lease", lease, "/lease/k", "v").ok();
        assertThat(etcdctl("lease", "keep-alive", "--once", lease).ok().out())
                .contains("keepalived with TTL(2)");
        assertThat(etcdctl("lease", "timetolive", lease, "--keys").ok().out())
                .contains("attached keys([/lease/k])");
        cluster.await("the key of the expired lease is gone", Duration.ofSeconds(20),
                () -> etcdctl("get", "/lease/k").ok().out().isEmpty());
        assertThat(etcdctl("lease", "timetolive", lease).ok().out()).contains("already expired");
    }

    @Test
    void memberListAddAndRemove() {
        String list = etcdctl("member", "list").ok().out();
        for (String n : cluster.names()) {
            assertThat(list).contains(", started, " + n + ", " + cluster.spec(n).peerUrl());
        }
        String added = etcdctl("member", "add", "extra", "--learner", "--peer-urls",
                "http://127.0.0.1:" + Ports.free()).ok().out();
        // etcdctl prints ids as %x, and pads them with spaces to 16 columns in messages.
        Matcher m = Pattern.compile("Member +([0-9a-f]+) added to cluster").matcher(added);
        assertThat(m.find()).as(added).isTrue();
        String id = m.group(1);
        assertThat(etcdctl("member", "list").ok().out()).containsPattern(id + ", unstarted, ,"
                + " http://127.0.0.1:\\d+, , true");
        assertThat(etcdctl("member", "remove", id).ok().out()).containsPattern("Member +" + id
                + " removed from cluster");
        assertThat(etcdctl("member", "list").ok().out()).doesNotContain(id);
    }

    @Test
    void endpointStatusNamesOneLeader() {
        String out = etcdctl("endpoint", "status").ok().out();
        List<String> rows = out.lines().toList();
        assertThat(rows).hasSize(3);
        assertThat(rows.stream().filter(r -> r.split(", ")[4].equals("true"))).hasSize(1);
        // etcdctl 3.4 prints health on stderr.
        Commands.Result health = etcdctl("endpoint", "health").ok();
        assertThat(health.err().lines().filter(l -> l.contains("is healthy"))).hasSize(3);
    }

    @Test
    void snapshotSaveWritesTheStreamEtcdctlChecked() throws Exception {
        etcdctl("put", "/snap/k", "v").ok();
        Path file = tmp.resolve("etcdctl.snap");
        String out = Commands.etcdctl(cluster.spec("n1").clientEndpoint(), "", "snapshot",
                "save", file.toString()).ok().out();
        assertThat(out).contains("Snapshot saved at " + file);
        // The data, padded to 512 bytes, then its SHA-256.
        assertThat(Files.size(file) % 512).isEqualTo(32);
    }
}
