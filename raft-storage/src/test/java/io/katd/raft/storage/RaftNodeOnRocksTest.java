package io.katd.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Snapshot;
import io.katd.raft.StateType;
import io.katd.raft.Status;
import io.katd.raft.node.Await;
import io.katd.raft.node.TestStateMachine;
import io.katd.raft.node.LocalNetwork;
import io.katd.raft.node.RaftNode;
import io.katd.raft.node.RaftNodeConfig;
import io.katd.raft.node.RaftNodeListener;
import io.katd.raft.node.StateMachine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three RaftNodes, each over its own RocksDurableLog, on a LocalNetwork: they elect,
 * replicate, snapshot and compact, catch a partitioned follower up with a snapshot, and
 * then every node is closed and started again from its directory, with a new state
 * machine rebuilt from the log's snapshot and entries. The logs come back exactly as
 * they were and the cluster goes on where it stopped.
 */
class RaftNodeOnRocksTest {
    private static final long[] IDS = {1, 2, 3};

    @TempDir
    Path temp;

    private final SplittableRandom seeds = new SplittableRandom(42);
    private final LocalNetwork network = new LocalNetwork();
    private final Map<Long, RaftNode<Long>> nodes = new TreeMap<>();
    private final Map<Long, RocksDurableLog> logs = new TreeMap<>();
    private final Map<Long, TestStateMachine> machines = new TreeMap<>();
    private final List<String> proposed = new ArrayList<>();
    private final Await await = new Await();


    /** What a closed log held, read from memory before it is reopened. */
    record Image(HardState hardState, long firstIndex, long lastIndex, Snapshot snapshot,
            List<Long> terms) {
        static Image of(RocksDurableLog log) {
            List<Long> terms = new ArrayList<>();
            for (long i = log.firstIndex() - 1; i <= log.lastIndex(); i++) {
                terms.add(log.term(i));
            }
            return new Image(log.hardState(), log.firstIndex(), log.lastIndex(),
                    log.snapshot(), terms);
        }
    }

    @AfterEach
    void closeAll() {
        nodes.values().forEach(RaftNode::close);
        network.close();
    }

    @Test
    void aClusterRestartedFromItsRocksDbLogsKeepsItsLogsAndConverges() throws Exception {
        for (long id : IDS) {
            RocksDurableLog log = RocksDurableLog.open(dir(id));
            log.bootstrap(Logs.VOTERS);
            logs.put(id, log);
            start(id);
        }
        nodes.get(1L).campaign();
        long leader = awaitLeader();
        proposeAndAwait(leader, "a", 60);

        // Node 3 misses enough entries that the leader compacts past them, so it is
        // caught up with a snapshot, which its RocksDB log installs.
        network.isolate(3, 1, 2);
        proposeAndAwait(leader, "b", 50, 1, 2);
        network.heal();
        awaitApplied(IDS);
        assertThat(machines.get(3L).restores()).as("node 3 caught up with a snapshot")
                .isPositive();

        Map<Long, Image> before = new TreeMap<>();
        for (long id : IDS) {
            nodes.remove(id).close();
            before.put(id, Image.of(logs.get(id)));
        }
        assertThat(before.get(3L).firstIndex()).as("node 3's log was compacted")
                .isGreaterThan(63);
        for (long id : IDS) {
            RocksDurableLog reopened = RocksDurableLog.open(dir(id));
            assertThat(Image.of(reopened)).as("node " + id + "'s log after reopening")
                    .isEqualTo(before.get(id));
            checkEntriesReadable(reopened);
            logs.put(id, reopened);
            machines.remove(id);
            start(id);
        }
        awaitApplied(IDS);
        nodes.get(2L).campaign();
        leader = awaitLeader();
        proposeAndAwait(leader, "c", 30);
        for (long id : IDS) {
            assertThat(machines.get(id).values()).as("node " + id).isEqualTo(proposed);
        }
    }

    private Path dir(long id) {
        return temp.resolve("node-" + id);
    }

    private void start(long id) {
        RaftNodeConfig config = RaftNodeConfig.builder(id)
                .tickInterval(Duration.ofMillis(10)).electionTimeout(Duration.ofSeconds(3))
                .heartbeatInterval(Duration.ofMillis(50)).requestTimeout(Duration.ofHours(1))
                .snapshotEvery(20, 5).random(new SplittableRandom(seeds.nextLong())).build();
        TestStateMachine machine = machines.computeIfAbsent(id,
                k -> new TestStateMachine(await));
        RaftNode<Long> node = new RaftNode<>(config, logs.get(id), network.transport(id),
                machine);
        node.addListener(new RaftNodeListener() {
            @Override
            public void onLeaderChange(long leaderId, long term) {
                await.signal();
            }

            @Override
            public void onRoleChange(StateType role, long term) {
                await.signal();
            }
        });
        nodes.put(id, node);
        node.start();
    }

    private static void checkEntriesReadable(RocksDurableLog log) {
        long first = log.firstIndex();
        if (log.lastIndex() < first) {
            return;
        }
        List<Entry> ents = log.entries(first, log.lastIndex() + 1, Long.MAX_VALUE);
        assertThat(ents).hasSize((int) (log.lastIndex() - first + 1));
        for (int i = 0; i < ents.size(); i++) {
            assertThat(ents.get(i).getIndex()).isEqualTo(first + i);
            assertThat(ents.get(i).getTerm()).isEqualTo(log.term(first + i));
        }
    }

    private long awaitLeader() {
        long[] leader = new long[1];
        await.until("a leader every node knows", () -> {
            Status s = nodes.get(IDS[0]).status();
            long l = s.softState().lead();
            for (long id : IDS) {
                if (nodes.get(id).status().softState().lead() != l) {
                    return false;
                }
            }
            leader[0] = l;
            return l != 0 && nodes.get(l).status().softState().raftState() == StateType.LEADER;
        });
        return leader[0];
    }

    /** Proposes commands; waits until {@code ids} (all by default) applied them. */
    private void proposeAndAwait(long leader, String prefix, int count, long... ids)
            throws Exception {
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String value = prefix + i;
            proposed.add(value);
            futures.add(nodes.get(leader).propose(ByteString.copyFromUtf8(value)));
        }
        for (CompletableFuture<Long> f : futures) {
            f.get(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        awaitApplied(ids.length == 0 ? IDS : ids);
    }

    private void awaitApplied(long... ids) {
        for (long id : ids) {
            await.until("node " + id + " applied " + proposed.size() + " commands",
                    () -> machines.get(id).values().equals(proposed));
        }
    }
}
