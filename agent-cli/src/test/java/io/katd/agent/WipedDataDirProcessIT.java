package io.katd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member whose data directory is wiped and which is started again with its original
 * command line (static bootstrap: an empty directory and --initial-cluster) must refuse to
 * serve, naming the directory and saying how to rejoin, and never come back as a blank
 * voter; the rest of the cluster keeps serving.
 */
class WipedDataDirProcessIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private KatdProcesses cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void wipe(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Starts n3 with its original command line; returns its exit status and new log. */
    private Commands.Result startN3AndAwaitItsExit() throws Exception {
        int before = cluster.log("n3").length();
        Process p = cluster.start("n3");
        assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("n3 stopped on its own\n" + cluster.logs()).isTrue();
        return new Commands.Result(p.exitValue(), cluster.log("n3").substring(before), "");
    }

    private void assertRefusedAsWiped(Commands.Result r, Path dir) {
        String id = MemberIds.hex(cluster.id("n3"));
        assertThat(r.exit()).as("exit status of n3\n" + r.out()).isEqualTo(Katd.FAILURE);
        assertThat(r.out()).contains("member n3 (" + id + ") refuses to serve: its data"
                + " directory " + dir.toAbsolutePath() + " was created empty by this start")
                .contains("member remove " + id).contains("katd join")
                .doesNotContain("is new to the cluster")
                .doesNotContain("published its member record");
    }

    @Test
    void aWipedMemberRestartedWithItsOriginalCommandLineIsRefused() throws Exception {
        cluster = new KatdProcesses(tmp, "it-wiped", "n1", "n2", "n3");
        cluster.startAll();
        cluster.awaitLeader(cluster.names(), 0, WAIT);
        Path dir = tmp.resolve("n3");
        cluster.await("n3 published its member record", WAIT,
                () -> cluster.log("n3").contains("published its member record"));

        cluster.kill("n3");
        wipe(dir);
        Commands.Result first = startN3AndAwaitItsExit();
        assertRefusedAsWiped(first, dir);

        // The refusal sticks: the directory it left behind is refused again.
        assertRefusedAsWiped(startN3AndAwaitItsExit(), dir);
        long leader = cluster.awaitLeader(List.of("n1", "n2"), 0, WAIT);

        // After a change of leader, no leader remembers what n3 acknowledged: only the
        // member record the cluster holds tells that n3 lived before.
        String old = cluster.nameOf(leader);
        cluster.kill(old);
        cluster.start(old);
        cluster.awaitLeader(List.of("n1", "n2"), 0, WAIT);
        wipe(dir);
        Commands.Result afterLeaderChange = startN3AndAwaitItsExit();
        assertRefusedAsWiped(afterLeaderChange, dir);
        assertThat(afterLeaderChange.out()).contains("the cluster already lists it as started");

        cluster.awaitLeader(List.of("n1", "n2"), 0, WAIT);
    }

    @Test
    void membersOfANewClusterPassTheCheckAndRestartWithoutIt() throws Exception {
        cluster = new KatdProcesses(tmp, "it-fresh", "n1", "n2", "n3");
        cluster.startAll();
        cluster.awaitLeader(cluster.names(), 0, WAIT);
        for (String n : cluster.names()) {
            cluster.await(n + " is confirmed new", WAIT,
                    () -> cluster.log(n).contains("is new to the cluster"));
            assertThat(tmp.resolve(n).resolve(FreshMemberCheck.MARKER)).doesNotExist();
        }
        cluster.kill("n2");
        cluster.start("n2");
        cluster.awaitLeader(cluster.names(), 0, WAIT);
        cluster.await("n2 published its member record again", WAIT,
                () -> cluster.log("n2").indexOf("restarting member n2") >= 0);
        assertThat(cluster.log("n2").split("is new to the cluster", -1)).hasSize(2);
    }
}
