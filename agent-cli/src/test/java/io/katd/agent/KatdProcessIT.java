package io.katd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three katd processes (separate JVMs from the fat jar) on 127.0.0.1. */
class KatdProcessIT {
    private static final Duration FIRST_LEADER = Duration.ofSeconds(60);
    private static final long FAILOVER_MILLIS_MAX = 3_000;

    @TempDir
    Path tmp;

    /** One sample of {@code name}'s /metrics, or -1 when it cannot be read. */
    private static double metric(KatdProcesses c, String member, String sample) {
        try {
            HttpClient http = HttpClient.newHttpClient();
            String body = http.send(HttpRequest.newBuilder(URI.create(
                    c.spec(member).metricsUrl() + "/metrics")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$")
                    .matcher(body);
            return m.find() ? Double.parseDouble(m.group(1)) : -1;
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static List<String> others(List<String> names, String but) {
        return names.stream().filter(n -> !n.equals(but)).toList();
    }

    @Test
    void killingTheLeaderElectsANewOneWithinThreeSecondsAndItRejoinsAfterARestart()
            throws Exception {
        try (KatdProcesses c = new KatdProcesses(tmp, "it-failover", "n1", "n2", "n3")) {
            c.startAll();
            long leader = c.awaitLeader(c.names(), 0, FIRST_LEADER);
            String old = c.nameOf(leader);
            List<String> survivors = others(c.names(), old);
            c.await("every member measured round trips to its peers", Duration.ofSeconds(20),
                    () -> c.names().stream().allMatch(n -> metric(c, n,
                            "katd_network_peer_round_trip_time_seconds_count") > 0));
            assertThat(metric(c, old, "katd_raft_is_leader")).isEqualTo(1.0);

            long killedAt = System.nanoTime();
            c.kill(old);
            long next = c.awaitLeader(survivors, leader, Duration.ofSeconds(10));
            long failoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.printf("new leader %s %d ms after kill -9 of leader %s%n",
                    MemberIds.hex(next), failoverMillis, MemberIds.hex(leader));
            assertThat(next).isNotEqualTo(leader);
            assertThat(failoverMillis).as("milliseconds from kill -9 to a new leader")
                    .isLessThan(FAILOVER_MILLIS_MAX);

            c.start(old);
            long after = c.awaitLeader(c.names(), 0, Duration.ofSeconds(30));
            assertThat(c.health(old)).hasValueSatisfying(a -> {
                assertThat(a.healthy()).isTrue();
                assertThat(a.leader()).isEqualTo(after);
            });
            assertThat(c.log(old)).contains("restarting member " + old);
        }
    }

    @Test
    void sigtermOnTheLeaderTransfersLeadershipBeforeItExits() throws Exception {
        try (KatdProcesses c = new KatdProcesses(tmp, "it-sigterm", "n1", "n2", "n3")) {
            c.startAll();
            long leader = c.awaitLeader(c.names(), 0, FIRST_LEADER);
            String old = c.nameOf(leader);
            c.await(old + " established its leadership in the store", Duration.ofSeconds(10),
                    () -> c.log(old).contains("established leadership of term"));

            int status = c.terminate(old);
            assertThat(status).as("exit status after SIGTERM").isIn(0, 143);
            String log = c.log(old);
            Matcher m = Pattern.compile("transferred leadership to ([0-9a-f]{16})").matcher(log);
            assertThat(m.find()).as("the leader's log names the transferee:\n" + log).isTrue();
            long transferee = MemberIds.parseHex(m.group(1));
            assertThat(transferee).isNotEqualTo(leader);
            assertThat(log.indexOf("transferred leadership"))
                    .isLessThan(log.indexOf("closed its transport"));

            long next = c.awaitLeader(others(c.names(), old), leader, Duration.ofSeconds(10));
            assertThat(next).isEqualTo(transferee);
        }
    }

    @Test
    void aMemberOfAnotherClusterIsRefusedAndTheClusterStaysHealthy() throws Exception {
        try (KatdProcesses c = new KatdProcesses(tmp, "it-cluster", "n1", "n2", "n3")) {
            c.startAll();
            c.awaitLeader(c.names(), 0, FIRST_LEADER);

            KatdProcesses.Spec intruder = new KatdProcesses.Spec("x", Ports.free(),
                    Ports.free(), Ports.free());
            String otherCluster = "x=" + intruder.peerUrl() + ",n1=" + c.spec("n1").peerUrl();
            c.start(intruder, otherCluster, "another-token");
            String otherClusterId = MemberIds.hex(MemberIds.clusterId("another-token",
                    ClusterConfigParser.initialCluster(List.of(otherCluster.split(",")),
                            new ClusterConfig.Source(Origin.DEFAULT, "test"))));

            c.await("n1 refused the intruder's connection and the intruder heard why",
                    Duration.ofSeconds(20), () -> c.log("n1").contains(otherClusterId)
                            && c.log("x").contains("was refused by node"));
            assertThat(c.log("n1")).containsPattern("refused a connection from .*cluster id");
            assertThat(c.log("x")).containsPattern("was refused by node .*cluster id");

            // Healthy: every member answers 200 and all name the same leader.
            c.awaitLeader(c.names(), 0, Duration.ofSeconds(10));
            // The intruder answers once its endpoints are up, and never finds a leader.
            c.await("the intruder serves its health endpoint", Duration.ofSeconds(20),
                    () -> c.health(intruder).isPresent());
            assertThat(c.health(intruder)).hasValueSatisfying(a -> {
                assertThat(a.healthy()).isFalse();
                assertThat(a.body()).contains("no leader is known");
            });
        }
    }
}
