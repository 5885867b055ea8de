package io.katd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * katd join and katd ctl against three katd processes; one cluster per class. katd ctl
 * runs in this JVM (the same command line as the jar's), except where the exit status of
 * the real process is the point.
 */
class KatdCtlProcessIT {
    @TempDir
    static Path tmp;

    static KatdProcesses cluster;

    @BeforeAll
    static void startCluster() {
        cluster = new KatdProcesses(tmp, "it-ctl", "n1", "n2", "n3");
        cluster.startAll();
        cluster.awaitLeader(cluster.names(), 0, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** katd ctl --endpoints (every member) {@code args}, in this JVM. */
    static Commands.Result ctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Katd.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("ctl", "--endpoints", cluster.endpoints()));
        all.addAll(List.of(args));
        int exit = cl.execute(all.toArray(String[]::new));
        return new Commands.Result(exit, out.toString(), err.toString());
    }

    @Test
    void aFourthMemberJoinsIsPromotedAndIsRemovedAgain() throws Exception {
        KatdProcesses.Spec n4 = new KatdProcesses.Spec("n4", Ports.free(), Ports.free(),
                Ports.free());
        cluster.launch("n4", List.of("join", "--peers", cluster.spec("n1").clientUrl() + ","
                        + cluster.spec("n2").clientUrl(), "--name", "n4",
                "--data-dir", tmp.resolve("n4").toString(),
                "--listen-peer-urls", n4.peerUrl(),
                "--listen-client-urls", "http://127.0.0.1:" + n4.clientPort(),
                "--listen-metrics-urls", n4.metricsUrl(),
                "--election-timeout", "1s", "--heartbeat-interval", "100ms"));
        cluster.await("n4 joined as a learner and was promoted to voter",
                Duration.ofSeconds(60), () -> cluster.log("n4").contains("promoted to voter"));
        String log = cluster.log("n4");
        Matcher m = Pattern.compile("as learner n4 \\(([0-9a-f]{16})\\)").matcher(log);
        assertThat(m.find()).as("n4's log names its id:\n" + log).isTrue();
        String id = m.group(1);
        assertThat(log).contains("installed the snapshot");
        assertThat(log.indexOf("learners=(" + MemberIds.parseHex(id) + ")"))
                .as("n4 saw itself a learner before the promotion").isNotNegative()
                .isLessThan(log.indexOf("promoted to voter"));
        cluster.await("member list shows n4 started as a voter", Duration.ofSeconds(20),
                () -> ctl("member", "list").out().contains(id + ", started, n4, "
                        + n4.peerUrl() + ", http://127.0.0.1:" + n4.clientPort() + ", false"));
        assertThat(Files.readString(tmp.resolve("n4").resolve(MemberIdentity.FILE)))
                .contains("founding=false");

        assertThat(ctl("member", "remove", id).ok().out()).contains("Member " + id
                + " removed from cluster");
        assertThat(ctl("member", "list").ok().out()).doesNotContain(id);
        cluster.await("n4 stopped once it saw itself removed", Duration.ofSeconds(20),
                () -> !cluster.isRunning("n4"));
        assertThat(cluster.log("n4")).contains("was removed from the cluster and stops");
        cluster.awaitLeader(cluster.names(), 0, Duration.ofSeconds(10));
        assertThat(ctl("endpoint", "health").ok().out().lines()
                .filter(l -> l.contains("is healthy"))).hasSize(3);
        assertThat(ctl("put", "/after-remove", "ok").ok().out()).isEqualTo("OK\n");
    }

    @Test
    void joinRefusesADataDirectoryThatHoldsAMember() {
        Commands.Result r = Commands.katd("", "join", "--peers", cluster.spec("n1").clientUrl(),
                "--data-dir", tmp.resolve("n1").toString());
        assertThat(r.exit()).isEqualTo(Katd.USAGE);
        assertThat(r.err()).contains("already holds a katd member");
    }

    @Test
    void joinThroughNoLiveMemberFailsNamingTheEndpoints() {
        int dead = Ports.free();
        StringWriter err = new StringWriter();
        CommandLine cl = Katd.commandLine();
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("join", "--peers", "http://127.0.0.1:" + dead, "--dial-timeout",
                "500ms", "--data-dir", tmp.resolve("nobody").toString());
        assertThat(exit).isEqualTo(Katd.FAILURE);
        assertThat(err.toString()).contains("no endpoint answered").contains("127.0.0.1:" + dead);
    }

    @Test
    void keyValueCommandsWatchTxnLeaseAndLeader() {
        assertThat(ctl("put", "/c/a", "1").ok().out()).isEqualTo("OK\n");
        assertThat(ctl("put", "/c/b", "2", "--prev-kv").ok().out()).isEqualTo("OK\n");
        assertThat(ctl("get", "/c/", "--prefix").ok().out()).isEqualTo("/c/a\n1\n/c/b\n2\n");
        assertThat(ctl("get", "/c/", "--prefix", "--keys-only", "--limit", "1",
                "--consistency", "s").ok().out()).isEqualTo("/c/a\n");
        assertThat(ctl("-w", "json", "get", "/c/a").ok().out()).contains("\"kvs\":[{\"key\":\""
                + java.util.Base64.getEncoder().encodeToString("/c/a".getBytes()) + "\"");
        assertThat(ctl("txn", "--compare", "value(\"/c/a\") = \"1\"", "--success",
                "put /c/a uno", "--failure", "get /c/a").ok().out())
                .isEqualTo("SUCCESS\n\nOK\n");
        assertThat(ctl("txn", "--compare", "value(\"/c/a\") = \"1\"", "--success",
                "put /c/a uno", "--failure", "get /c/a").ok().out())
                .isEqualTo("FAILURE\n\n/c/a\nuno\n");
        assertThat(ctl("watch", "/c/", "--prefix", "--rev", "1", "--max-events", "3").ok()
                .out()).isEqualTo("PUT\n/c/a\n1\nPUT\n/c/b\n2\nPUT\n/c/a\nuno\n");
        assertThat(ctl("del", "/c/", "--prefix").ok().out()).isEqualTo("2\n");

        Matcher m = Pattern.compile("lease ([0-9a-f]{16}) granted with TTL\\(60s\\)")
                .matcher(ctl("lease", "grant", "60").ok().out());
        assertThat(m.find()).isTrue();
        String lease = m.group(1);
        ctl("put", "--lease", lease, "/c/l", "v").ok();
        assertThat(ctl("lease", "keep-alive", "--once", lease).ok().out())
                .contains("keepalived with TTL(60)");
        assertThat(ctl("lease", "timetolive", "--keys", lease).ok().out())
                .contains("attached keys([/c/l])");
        assertThat(ctl("lease", "revoke", lease).ok().out()).contains("revoked");
        assertThat(ctl("get", "/c/l").ok().out()).isEmpty();

        long leader = cluster.awaitLeader(cluster.names(), 0, Duration.ofSeconds(10));
        assertThat(ctl("leader").ok().out()).startsWith(cluster.nameOf(leader) + ", "
                + MemberIds.hex(leader) + ", term ");
        List<String> status = ctl("endpoint", "status").ok().out().lines().toList();
        assertThat(status).hasSize(3);
        assertThat(status.stream().filter(l -> l.contains(MemberIds.hex(leader)
                + ", 3.4.0"))).singleElement().asString().contains(", true, false, ");
    }

    @Test
    void snapshotSaveChecksTheSha256AndRenamesIntoPlace() throws Exception {
        ctl("put", "/s/k", "v").ok();
        Path file = tmp.resolve("ctl.snap");
        assertThat(ctl("snapshot", "save", file.toString()).ok().out())
                .startsWith("Snapshot saved at " + file);
        assertThat(Files.size(file) % 512).isEqualTo(32);
        assertThat(tmp.resolve("ctl.snap.part")).doesNotExist();
    }

    @Test
    void anOversizedPutIsRefusedAsEtcdDoesAndTheClusterStillServes() {
        String twoMiB = "x".repeat(2 * 1024 * 1024);
        Commands.Result r = ctl("put", "/big", twoMiB);
        assertThat(r.exit()).isEqualTo(Katd.FAILURE);
        assertThat(r.err()).contains("etcdserver: request is too large");
        assertThat(ctl("put", "/small", "ok").ok().out()).isEqualTo("OK\n");
        assertThat(ctl("get", "/small").ok().out()).isEqualTo("/small\nok\n");
        assertThat(ctl("get", "/big").ok().out()).isEmpty();
    }

    @Test
    void katdCtlWithAnUnknownFlagExitsTwoNamingTheFlag() {
        Commands.Result r = Commands.katd("", "ctl", "--endpoints", cluster.endpoints(), "get",
                "--no-such-flag", "k");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--no-such-flag'");
    }
}
