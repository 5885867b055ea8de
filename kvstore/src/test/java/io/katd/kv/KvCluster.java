package io.katd.kv;

import com.google.protobuf.ByteString;
import io.katd.kv.mvcc.Backend;
import io.katd.kv.mvcc.InMemoryBackend;
import io.katd.kv.mvcc.MvccStore;
import io.katd.kv.sm.KvStateMachine;
import io.katd.kv.watch.WatchConfig;
import io.katd.proto.kv.KvResult;
import io.katd.proto.raft.ConfState;
import io.katd.raft.StateType;
import io.katd.raft.node.LocalNetwork;
import io.katd.raft.node.MemoryDurableLog;
import io.katd.raft.node.RaftNode;
import io.katd.raft.node.RaftNodeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Three {@link RaftStateStore}s in one JVM over {@link MemoryDurableLog}s and a {@link
 * LocalNetwork}. Election timeouts are long (3 s of clock time), so roles change only when a
 * test campaigns, transfers or speeds up clocks.
 */
final class KvCluster implements AutoCloseable {
    static final long[] IDS = {1, 2, 3};

    final LocalNetwork network = new LocalNetwork();
    final Map<Long, ScaledClock> clocks = new TreeMap<>();
    final Map<Long, ManualNanos> leaseClocks = new TreeMap<>();
    final Map<Long, MemoryDurableLog> logs = new TreeMap<>();
    final Map<Long, KvStateMachine> machines = new TreeMap<>();
    final Map<Long, RaftNode<KvResult>> nodes = new TreeMap<>();
    final Map<Long, RaftStateStore> stores = new TreeMap<>();
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "kv-test-scheduler");
                t.setDaemon(true);
                return t;
            });
    // The runtime's snapshot policy for nodes started from now on; 0 keeps the default.
    long snapshotThreshold;
    long snapshotKeepEntries;
    private final SplittableRandom seeds;
    private final Path dir;
    private final Function<Long, Backend> backends;

    KvCluster(long seed, Path dir, Function<Long, Backend> backends) {
        this.seeds = new SplittableRandom(seed);
        this.dir = dir;
        this.backends = backends;
        for (long id : IDS) {
            MemoryDurableLog log = new MemoryDurableLog();
            try {
                log.bootstrap(ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3)
                        .build());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            logs.put(id, log);
        }
    }

    /** Three in-memory stores with node 1 elected leader. */
    static KvCluster inMemory(long seed, Path dir) {
        KvCluster c = new KvCluster(seed, dir, id -> new InMemoryBackend());
        c.startAll();
        c.elect(1);
        return c;
    }

    void startAll() {
        for (long id : IDS) {
            start(id);
        }
    }

    RaftStateStore start(long id) {
        try {
            Path scratch = Files.createDirectories(dir.resolve("scratch-" + id));
            ManualNanos leaseClock = leaseClocks.computeIfAbsent(id, k -> new ManualNanos());
            KvStateMachine sm = new KvStateMachine(id, MvccStore.open(backends.apply(id)),
                    scratch, leaseClock, WatchConfig.defaults(),
                    Executors.newSingleThreadExecutor());
            ScaledClock clock = clocks.computeIfAbsent(id, k -> new ScaledClock());
            RaftNodeConfig.Builder builder = RaftNodeConfig.builder(id)
                    .tickInterval(Duration.ofMillis(10))
                    .electionTimeout(Duration.ofSeconds(3)).heartbeatInterval(Duration.ofMillis(50))
                    .requestTimeout(Duration.ofSeconds(20))
                    .random(new SplittableRandom(seeds.nextLong())).clock(clock);
            if (snapshotThreshold > 0) {
                builder.snapshotEvery(snapshotThreshold, snapshotKeepEntries);
            }
            RaftNodeConfig config = builder.build();
            RaftNode<KvResult> node = new RaftNode<>(config, logs.get(id), network.transport(id),
                    sm);
            machines.put(id, sm);
            nodes.put(id, node);
            RaftStateStore store = new RaftStateStore(node, sm, new RaftStateStore.Options(
                    "member-" + id, scheduler, Duration.ofMillis(20), Duration.ofSeconds(20)));
            stores.put(id, store);
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops node {@code id} keeping what its log had synced, as a crash would. */
    void crash(long id) {
        stores.get(id).close();
        logs.put(id, logs.get(id).reopen());
    }

    void elect(long id) {
        nodes.get(id).campaign();
        awaitLeader(id, IDS);
    }

    RaftStateStore store(long id) {
        return stores.get(id);
    }

    KvStateMachine machine(long id) {
        return machines.get(id);
    }

    StateType role(long id) {
        return nodes.get(id).status().softState().raftState();
    }

    long term(long id) {
        return nodes.get(id).status().hardState().getTerm();
    }

    void awaitLeader(long leader, long... ids) {
        Waits.until("nodes know leader " + leader, () -> {
            for (long id : ids) {
                if (nodes.get(id).status().softState().lead() != leader) {
                    return false;
                }
            }
            return role(leader) == StateType.LEADER;
        });
    }

    /** Waits until the given nodes agree on a leader among them; returns it. */
    long awaitLeaderAmong(long... ids) {
        long[] found = new long[1];
        Waits.until("nodes agree on a leader", () -> {
            long l = nodes.get(ids[0]).status().softState().lead();
            for (long id : ids) {
                if (nodes.get(id).status().softState().lead() != l) {
                    return false;
                }
            }
            found[0] = l;
            return l != 0 && java.util.Arrays.stream(ids).anyMatch(id -> id == l)
                    && role(l) == StateType.LEADER;
        });
        return found[0];
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
        scheduler.shutdownNow();
        network.close();
    }
}
