package io.katd.raft.transport;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.raft.StateType;
import io.katd.raft.node.MemoryDurableLog;
import io.katd.raft.node.TestStateMachine;
import io.katd.raft.node.ProposalDroppedException;
import io.katd.raft.node.RaftNode;
import io.katd.raft.node.RaftNodeConfig;
import io.katd.raft.node.RaftNodeListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * Raft nodes in one JVM, each over its own {@link NettyTransport} on 127.0.0.1 (ports
 * chosen by the system), a {@link MemoryDurableLog}, a {@link TestStateMachine} and a
 * {@link MemorySnapshotStore}. Election timeouts are long (3 s), so leadership only moves
 * when a test campaigns or a node is gone that long.
 */
final class NettyCluster implements AutoCloseable {
    static final String CLUSTER_ID = "katd-test";

    /** What a node last told its listener. */
    static final class View implements RaftNodeListener {
        volatile long leader;
        volatile StateType role = StateType.FOLLOWER;

        @Override
        public void onLeaderChange(long leaderId, long term) {
            leader = leaderId;
        }

        @Override
        public void onRoleChange(StateType r, long term) {
            role = r;
        }
    }

    final Map<Long, InetSocketAddress> addresses = new TreeMap<>();
    final Map<Long, NettyTransport> transports = new TreeMap<>();
    final Map<Long, MemoryDurableLog> logs = new TreeMap<>();
    final Map<Long, TestStateMachine> machines = new TreeMap<>();
    final Map<Long, MemorySnapshotStore> stores = new TreeMap<>();
    final Map<Long, RaftNode<Long>> nodes = new TreeMap<>();
    final Map<Long, View> views = new HashMap<>();
    private final SplittableRandom seeds;
    private final UnaryOperator<RaftNodeConfig.Builder> raftTweak;
    private final BiFunction<Long, NettyTransportConfig.Builder, NettyTransportConfig.Builder>
            transportTweak;

    private NettyCluster(long seed, UnaryOperator<RaftNodeConfig.Builder> raftTweak,
            BiFunction<Long, NettyTransportConfig.Builder, NettyTransportConfig.Builder> tweak) {
        this.seeds = new SplittableRandom(seed);
        this.raftTweak = raftTweak;
        this.transportTweak = tweak;
    }

    /** {@code size} founding voters, bound, connected and started; none campaigning. */
    static NettyCluster started(int size, long seed, UnaryOperator<RaftNodeConfig.Builder> raft,
            BiFunction<Long, NettyTransportConfig.Builder, NettyTransportConfig.Builder> tr) {
        NettyCluster c = new NettyCluster(seed, raft, tr);
        long[] ids = new long[size];
        for (int i = 0; i < size; i++) {
            ids[i] = i + 1;
        }
        for (long id : ids) {
            NettyTransport t = c.newTransport(id, new InetSocketAddress("127.0.0.1", 0));
            c.addresses.put(id, t.bind());
        }
        for (long id : ids) {
            c.bootstrap(id, ids);
            c.start(id);
        }
        return c;
    }

    static NettyCluster started(int size, long seed) {
        return started(size, seed, b -> b, (id, b) -> b);
    }

    private NettyTransport newTransport(long id, InetSocketAddress listen) {
        NettyTransportConfig config = transportTweak.apply(id,
                NettyTransportConfig.builder(id, CLUSTER_ID, listen)
                        .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200))
                        .ioThreads(1).snapshotThreads(1)
                        .random(new SplittableRandom(seeds.nextLong()))).build();
        NettyTransport t = new NettyTransport(config,
                stores.computeIfAbsent(id, k -> new MemorySnapshotStore()));
        transports.put(id, t);
        return t;
    }

    private void bootstrap(long id, long... voters) {
        MemoryDurableLog log = new MemoryDurableLog();
        ConfState.Builder cs = ConfState.newBuilder();
        for (long v : voters) {
            cs.addVoters(v);
        }
        try {
            log.bootstrap(cs.build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        logs.put(id, log);
    }

    /** Starts node {@code id} over its log, state machine and (bound) transport. */
    private void start(long id) {
        NettyTransport t = transports.get(id);
        Map<Long, InetSocketAddress> peers = new TreeMap<>(addresses);
        peers.remove(id);
        t.setPeers(peers);
        RaftNodeConfig config = raftTweak.apply(RaftNodeConfig.builder(id)
                .tickInterval(Duration.ofMillis(10)).electionTimeout(Duration.ofSeconds(3))
                .heartbeatInterval(Duration.ofMillis(50)).requestTimeout(Duration.ofMinutes(1))
                .random(new SplittableRandom(seeds.nextLong()))).build();
        RaftNode<Long> node = new RaftNode<>(config, logs.get(id), t,
                machines.computeIfAbsent(id, k -> new TestStateMachine(new io.katd.raft.node.Await())));
        View view = new View();
        node.addListener(view);
        views.put(id, view);
        nodes.put(id, node);
        node.start();
    }

    /** Stops node {@code id} (its transport too), keeping what its log had synced. */
    void stop(long id) {
        nodes.get(id).close();
        logs.put(id, logs.get(id).reopen());
    }

    /** Starts a stopped node again, with a new transport on its old address. */
    void restart(long id) {
        newTransport(id, addresses.get(id)).bind();
        start(id);
    }

    RaftNode<Long> node(long id) {
        return nodes.get(id);
    }

    /** Node 1 campaigns; waits until every node knows it as leader. */
    void electFirst() {
        node(1).campaign();
        awaitLeader(1, nodes.keySet().stream().mapToLong(Long::longValue).toArray());
    }

    void awaitLeader(long leader, long... ids) {
        Await.until("nodes " + Arrays.toString(ids) + " know leader " + leader,
                () -> Arrays.stream(ids).allMatch(id -> views.get(id).leader == leader)
                        && views.get(leader).role == StateType.LEADER);
    }

    /**
     * Proposes {@code value} on node {@code id} and waits until it is applied there;
     * retries proposals the node dropped (they had no effect) until the deadline.
     */
    long propose(long id, String value) {
        long deadline = System.nanoTime() + Await.TIMEOUT.toNanos();
        while (true) {
            try {
                return node(id).propose(ByteString.copyFromUtf8(value))
                        .get(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | CompletionException e) {
                if (!(e.getCause() instanceof ProposalDroppedException)
                        || System.nanoTime() - deadline > 0) {
                    throw new AssertionError("proposal of " + value + " failed", e.getCause());
                }
                Await.until("a leader is known to node " + id, () -> views.get(id).leader != 0);
            } catch (TimeoutException e) {
                throw new AssertionError("proposal of " + value + " did not complete");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    void awaitValues(List<String> expected, long... ids) {
        for (long id : ids) {
            Await.until("node " + id + " applied " + expected,
                    () -> machines.get(id).values().equals(expected));
        }
    }

    @Override
    public void close() {
        for (RaftNode<Long> n : nodes.values()) {
            n.close();
        }
        for (NettyTransport t : transports.values()) {
            t.close();
        }
    }
}
