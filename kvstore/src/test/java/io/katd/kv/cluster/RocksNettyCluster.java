package io.katd.kv.cluster;

import com.google.protobuf.ByteString;
import io.katd.kv.ManualNanos;
import io.katd.kv.RaftStateStore;
import io.katd.kv.ScaledClock;
import io.katd.kv.Waits;
import io.katd.kv.mvcc.MvccStore;
import io.katd.kv.mvcc.RocksDbBackend;
import io.katd.kv.sm.KvStateMachine;
import io.katd.kv.watch.WatchConfig;
import io.katd.proto.kv.KvResult;
import io.katd.proto.raft.ConfState;
import io.katd.raft.StateType;
import io.katd.raft.node.RaftNode;
import io.katd.raft.node.RaftNodeConfig;
import io.katd.raft.storage.RocksDurableLog;
import io.katd.raft.storage.snapshot.FileSnapshotStore;
import io.katd.raft.transport.NettyTransport;
import io.katd.raft.transport.NettyTransportConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;

/**
 * Three {@link RaftStateStore}s in one JVM, each on its own RocksDB (a {@link
 * RocksDurableLog} for Raft, a {@link RocksDbBackend} for the MVCC store) and its own {@link
 * NettyTransport} on a loopback port the system picks. Every directory lives under
 * {@code target/} and is deleted on close. Election timeouts are 3 s of a {@link ScaledClock},
 * so roles change only when a test campaigns, transfers or speeds the clocks up.
 */
final class RocksNettyCluster implements AutoCloseable {
    static final long[] IDS = {1, 2, 3};
    static final String CLUSTER_ID = "katd-kv-test";

    final Map<Long, ScaledClock> clocks = new TreeMap<>();
    final Map<Long, ManualNanos> leaseClocks = new TreeMap<>();
    final Map<Long, KvStateMachine> machines = new TreeMap<>();
    final Map<Long, RaftNode<KvResult>> nodes = new TreeMap<>();
    final Map<Long, NettyTransport> transports = new TreeMap<>();
    final Map<Long, RaftStateStore> stores = new TreeMap<>();
    private final Map<Long, InetSocketAddress> addresses = new TreeMap<>();
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "kv-cluster-scheduler");
                t.setDaemon(true);
                return t;
            });
    private final SplittableRandom seeds;
    private final Path dir;

    private RocksNettyCluster(long seed) throws IOException {
        this.seeds = new SplittableRandom(seed);
        Path target = Files.createDirectories(Path.of("target"));
        this.dir = Files.createTempDirectory(target, "rocks-netty-cluster-");
    }

    /** Three started nodes with node 1 elected leader. */
    static RocksNettyCluster started(long seed) {
        try {
            RocksNettyCluster c = new RocksNettyCluster(seed);
            c.startAll();
            c.elect(1);
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens every node over its directories; new transports bind new ports first, so each
     * node starts with the peer map of this incarnation.
     */
    void startAll() {
        addresses.clear();
        for (long id : IDS) {
            NettyTransport t = newTransport(id);
            transports.put(id, t);
            addresses.put(id, t.bind());
        }
        for (long id : IDS) {
            start(id);
        }
    }

    private NettyTransport newTransport(long id) {
        try {
            FileSnapshotStore snapshots =
                    FileSnapshotStore.open(Files.createDirectories(nodeDir(id, "snap")));
            NettyTransportConfig config = NettyTransportConfig.builder(id, CLUSTER_ID,
                            new InetSocketAddress("127.0.0.1", 0))
                    .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200))
                    .ioThreads(1).snapshotThreads(1)
                    .random(new SplittableRandom(seeds.nextLong())).build();
            return new NettyTransport(config, snapshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void start(long id) {
        try {
            NettyTransport t = transports.get(id);
            Map<Long, InetSocketAddress> peers = new TreeMap<>(addresses);
            peers.remove(id);
            t.setPeers(peers);
            RocksDurableLog log = RocksDurableLog.open(nodeDir(id, "raft"));
            if (log.isEmpty()) {
                log.bootstrap(ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3)
                        .build());
            }
            Path scratch = Files.createDirectories(nodeDir(id, "scratch"));
            ManualNanos leaseClock = leaseClocks.computeIfAbsent(id, k -> new ManualNanos());
            KvStateMachine sm = new KvStateMachine(id,
                    MvccStore.open(RocksDbBackend.open(nodeDir(id, "kv"))), scratch, leaseClock,
                    WatchConfig.defaults(), Executors.newSingleThreadExecutor());
            ScaledClock clock = clocks.computeIfAbsent(id, k -> new ScaledClock());
            RaftNodeConfig config = RaftNodeConfig.builder(id).tickInterval(Duration.ofMillis(10))
                    .electionTimeout(Duration.ofSeconds(3)).heartbeatInterval(Duration.ofMillis(50))
                    .requestTimeout(Duration.ofSeconds(20))
                    .random(new SplittableRandom(seeds.nextLong())).clock(clock).build();
            RaftNode<KvResult> node = new RaftNode<>(config, log, t, sm);
            machines.put(id, sm);
            nodes.put(id, node);
            stores.put(id, new RaftStateStore(node, sm, new RaftStateStore.Options(
                    "member-" + id, scheduler, Duration.ofMillis(20), Duration.ofSeconds(20))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path nodeDir(long id, String what) {
        return dir.resolve("node-" + id).resolve(what);
    }

    /** Closes node {@code id}: its store, state machine, Raft node, log and transport. */
    void kill(long id) {
        stores.remove(id).close();
        nodes.remove(id);
        transports.remove(id);
        machines.remove(id);
    }

    /** Closes every node and opens it again from what it left on disk. */
    void restartAll() {
        for (long id : IDS) {
            if (stores.containsKey(id)) {
                kill(id);
            }
        }
        startAll();
    }

    void elect(long id) {
        nodes.get(id).campaign();
        awaitLeader(id, IDS);
    }

    RaftStateStore store(long id) {
        return stores.get(id);
    }

    StateType role(long id) {
        return nodes.get(id).status().softState().raftState();
    }

    long term(long id) {
        return nodes.get(id).status().hardState().getTerm();
    }

    void awaitLeader(long leader, long... ids) {
        Waits.until("nodes " + Arrays.toString(ids) + " know leader " + leader, () -> {
            for (long id : ids) {
                if (nodes.get(id).status().softState().lead() != leader) {
                    return false;
                }
            }
            return role(leader) == StateType.LEADER;
        });
    }

    void setSpeed(double factor, long... ids) {
        for (long id : ids) {
            clocks.get(id).setSpeed(factor);
        }
    }

    static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Override
    public void close() {
        for (RaftStateStore s : stores.values()) {
            s.close();
        }
        stores.clear();
        scheduler.shutdownNow();
        deleteTree(dir);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
