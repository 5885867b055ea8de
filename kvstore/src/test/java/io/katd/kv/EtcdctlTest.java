package io.katd.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real etcdctl (v3 API, 3.4) as a process against three members on 127.0.0.1. Needs
 * /usr/bin/etcdctl from Debian's etcd-client package; without it every test fails saying so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdctlTest {
    static final Path ETCDCTL = Path.of("/usr/bin/etcdctl");
    private EtcdApiCluster cluster;
    private Path dir;

    @BeforeAll
    void start(@TempDir Path tmp) {
        dir = tmp;
        cluster = new EtcdApiCluster(23, tmp.resolve("cluster"));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private record Result(int exit, String out, String err) {}

    private ProcessBuilder command(long member, String... args) {
        if (!Files.isExecutable(ETCDCTL)) {
            throw new AssertionError(ETCDCTL + " is missing: install it with"
                    + " `apt-get install -y etcd-client` (Debian package etcd-client)");
        }
        List<String> cmd = new ArrayList<>(List.of(ETCDCTL.toString(), "--endpoints="
                + (member == 0 ? cluster.endpoints() : cluster.endpoint(member)),
                "--command-timeout=20s"));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("ETCDCTL_API", "3");
        return pb;
    }

    private Result run(long member, String stdin, String... args) {
        try {
            Process p = command(member, args).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            // Output is small: read it whole, then wait for the exit.
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(Waits.TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .as("etcdctl %s exits", Arrays.toString(args)).isTrue();
            return new Result(p.exitValue(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private String ok(long member, String... args) {
        return okWithInput(member, null, args);
    }

    private String okWithInput(long member, String stdin, String... args) {
        Result r = run(member, stdin, args);
        assertThat(r.exit()).as("etcdctl %s failed: %s", Arrays.toString(args), r.err())
                .isZero();
        return r.out();
    }

    @Test
    void putGetDeletePrefixOnLeaderAndFollower() {
        for (long m : new long[] {1, 2}) {
            String p = "/ctl" + m + "/";
            assertThat(ok(m, "put", p + "a", "1")).isEqualTo("OK\n");
            ok(m, "put", p + "b", "2");
            assertThat(ok(m, "get", "--prefix", p)).isEqualTo(p + "a\n1\n" + p + "b\n2\n");
            assertThat(ok(m, "get", "--prefix", "--keys-only", "--limit=1", p))
                    .isEqualTo(p + "a\n\n");
            assertThat(ok(m, "del", "--prefix", p)).isEqualTo("2\n");
            assertThat(ok(m, "get", "--prefix", p)).isEmpty();
        }
    }

    @Test
    void interactiveTxn() {
        ok(3, "put", "/ctltxn/k", "v1");
        String out = okWithInput(3, "value(\"/ctltxn/k\") = \"v1\"\n\nput /ctltxn/k v2\n\n"
                + "get /ctltxn/k\n\n", "txn");
        assertThat(out).startsWith("SUCCESS\n").contains("OK\n");
        assertThat(ok(2, "get", "--print-value-only", "/ctltxn/k")).isEqualTo("v2\n");
    }

    @Test
    void watchPrintsEvents() throws Exception {
        Process p = command(2, "watch", "--prefix", "/ctlwatch/").start();
        try {
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(
                        p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("read failed: " + e);
                }
            });
            reader.setDaemon(true);
            reader.start();
            // The watch starts "now": write until an event shows (the process may not
            // have registered its watch before the first put).
            String first = null;
            long deadline = System.nanoTime() + Waits.TIMEOUT.toNanos();
            while (first == null && System.nanoTime() < deadline) {
                ok(1, "put", "/ctlwatch/a", "1");
                first = lines.poll(200, TimeUnit.MILLISECONDS);
            }
            assertThat(first).isEqualTo("PUT");
            assertThat(lines.poll(Waits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo("/ctlwatch/a");
            assertThat(lines.poll(Waits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo("1");
            lines.clear();
            ok(1, "del", "/ctlwatch/a");
            String line;
            do {
                line = lines.poll(Waits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } while (line != null && !line.equals("DELETE"));
            assertThat(line).isEqualTo("DELETE");
        } finally {
            p.destroy();
            p.waitFor(Waits.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void leaseGrantKeepAliveRevoke() {
        String granted = ok(2, "lease", "grant", "60");
        // "lease 694d77aa9e2b0f0a granted with TTL(60s)"
        assertThat(granted).matches("lease [0-9a-f]+ granted with TTL\\(60s\\)\n");
        String id = granted.split(" ")[1];
        ok(3, "put", "--lease=" + id, "/ctllease/k", "v");
        assertThat(ok(3, "lease", "keep-alive", "--once", id))
                .contains("lease " + id + " keepalived with TTL(60)");
        assertThat(ok(2, "lease", "timetolive", "--keys", id)).contains("granted with TTL(60s)")
                .contains("/ctllease/k");
        assertThat(ok(1, "lease", "list")).contains(id);
        assertThat(ok(3, "lease", "revoke", id)).contains("revoked");
        assertThat(ok(2, "get", "/ctllease/k")).isEmpty();
        Result again = run(2, null, "lease", "revoke", id);
        assertThat(again.exit()).isNotZero();
        assertThat(again.err()).contains("requested lease not found");
    }

    @Test
    void memberListAndEndpointStatusAndHealth() {
        String members = ok(3, "member", "list");
        assertThat(members.lines()).hasSize(3);
        assertThat(members).contains("member-1").contains(cluster.endpoint(2))
                .contains("started");
        String status = ok(0, "endpoint", "status", "-w", "json");
        assertThat(status).contains("\"leader\":1").contains("\"version\":\"3.4.0\"");
        String health = run(0, null, "endpoint", "health").err();
        assertThat(health.lines().filter(l -> l.contains("is healthy"))).hasSize(3);
    }

    @Test
    void snapshotSave() throws Exception {
        ok(1, "put", "/ctlsnap/k", "v");
        Path file = dir.resolve("snap.db");
        String out = ok(2, "snapshot", "save", file.toString());
        assertThat(out).contains("Snapshot saved at " + file);
        byte[] bytes = Files.readAllBytes(file);
        byte[] body = Arrays.copyOf(bytes, bytes.length - 32);
        assertThat(MessageDigest.getInstance("SHA-256").digest(body))
                .isEqualTo(Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length));
        // etcdctl reads a snapshot file as a bbolt database, which katd's is not.
        Result st = run(0, null, "snapshot", "status", file.toString());
        assertThat(st.exit()).isNotZero();
    }
}
