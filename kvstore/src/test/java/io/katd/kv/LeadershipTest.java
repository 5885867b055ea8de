package io.katd.kv;

import static io.katd.kv.KvCluster.b;
import static io.katd.kv.Waits.failure;
import static io.katd.kv.Waits.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.katd.raft.StateType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeadershipTest {
    private static final Duration TTL = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void campaignOnTheLeaderCompletesWithItsTermAndRecordsItsName() {
        try (KvCluster c = KvCluster.inMemory(11, dir)) {
            Leadership l = get(c.store(1).campaign("scheduler-a", TTL));
            assertThat(l.term()).isEqualTo(c.term(1));
            assertThat(l.leaderId()).isEqualTo("scheduler-a");
            assertThat(l.isValid()).isTrue();
            assertThat(get(c.store(2).getLeader())).contains(
                    new LeaderInfo("scheduler-a", 1, l.term()));
            assertThat(get(l.put(b("/job"), b("1")))).isPositive();
            KV leaderKey = get(c.store(3).get(StateStore.LEADER_KEY)).orElseThrow();
            assertThat(leaderKey.lease()).isPositive();
        }
    }

    @Test
    void campaignOnAFollowerCompletesOnlyOnceItLeads() {
        try (KvCluster c = KvCluster.inMemory(12, dir)) {
            CompletableFuture<Leadership> pending = c.store(3).campaign("b", TTL);
            get(c.store(1).put(b("k"), b("v")));
            assertThat(pending).isNotDone();
            Leadership old = get(c.store(1).campaign("a", TTL));
            c.nodes.get(1L).transferLeadership(3);
            Leadership l = get(pending);
            assertThat(get(old.lost())).isNull();
            assertThat(c.role(3)).isEqualTo(StateType.LEADER);
            assertThat(l.term()).isGreaterThan(old.term());
            assertThat(get(c.store(1).getLeader())).contains(new LeaderInfo("b", 3, l.term()));
        }
    }

    @Test
    void resignMovesLeadershipAndFiresLost() {
        try (KvCluster c = KvCluster.inMemory(13, dir)) {
            Leadership l = get(c.store(1).campaign("a", TTL));
            get(c.store(1).resign());
            get(l.lost());
            // The node's status view is published after its listeners were told.
            Waits.until("node 1 no longer leads", () -> c.role(1) != StateType.LEADER);
            assertThat(failure(c.store(1).resign())).isInstanceOf(NotLeaderException.class);
        }
    }

    @Test
    void lostFiresOnCheckQuorumStepDown() {
        try (KvCluster c = KvCluster.inMemory(14, dir)) {
            Leadership l = get(c.store(1).campaign("a", TTL));
            c.network.isolate(1, 2, 3);
            c.setSpeed(50, 1);
            get(l.lost());
            assertThat(l.isValid()).isFalse();
        }
    }

    @Test
    void lostFiresOnClose() {
        try (KvCluster c = KvCluster.inMemory(15, dir)) {
            Leadership l = get(c.store(1).campaign("a", TTL));
            c.store(1).close();
            get(l.lost());
        }
    }
}
