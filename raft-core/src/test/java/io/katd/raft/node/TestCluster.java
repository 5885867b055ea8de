package io.katd.raft.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.raft.StateType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * Nodes in one JVM over {@link MemoryDurableLog}s and a {@link LocalNetwork}, each with
 * its own {@link TestClock}. Election timeouts are long (3 s of virtual time), so roles
 * only change when a test campaigns, transfers or speeds up clocks.
 */
final class TestCluster implements AutoCloseable {
    static final Duration TICK = Duration.ofMillis(10);
    static final Duration ELECTION_TIMEOUT = Duration.ofSeconds(3);
    static final Duration HEARTBEAT = Duration.ofMillis(50);

    /** What one node last told its listener. */
    static final class View implements RaftNodeListener {
        private final Await await;
        // Written by the completion thread, read by the test thread.
        volatile long leader;
        volatile long term;
        volatile StateType role = StateType.FOLLOWER;
        final java.util.concurrent.atomic.AtomicInteger proposalsCommitted =
                new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger proposalsFailed =
                new java.util.concurrent.atomic.AtomicInteger();
        // Names of the threads that ran callbacks; guarded by itself.
        final List<String> callbackThreads = new ArrayList<>();

        View(Await await) {
            this.await = await;
        }

        @Override
        public void onLeaderChange(long leaderId, long t) {
            leader = leaderId;
            term = t;
            record();
        }

        @Override
        public void onRoleChange(StateType r, long t) {
            role = r;
            record();
        }

        @Override
        public void onProposalDone(boolean committed, long latencyNanos) {
            if (latencyNanos < 0) {
                throw new AssertionError("negative latency " + latencyNanos);
            }
            (committed ? proposalsCommitted : proposalsFailed).incrementAndGet();
            await.signal();
        }

        private void record() {
            synchronized (callbackThreads) {
                callbackThreads.add(Thread.currentThread().getName());
            }
            await.signal();
        }
    }

    final Await await = new Await();
    final LocalNetwork network = new LocalNetwork();
    final Map<Long, TestClock> clocks = new TreeMap<>();
    final Map<Long, MemoryDurableLog> logs = new TreeMap<>();
    final Map<Long, TestStateMachine> machines = new TreeMap<>();
    final Map<Long, RaftNode<Long>> nodes = new TreeMap<>();
    final Map<Long, View> views = new TreeMap<>();
    private final SplittableRandom seeds;
    private final UnaryOperator<RaftNodeConfig.Builder> tweak;

    TestCluster(long seed, UnaryOperator<RaftNodeConfig.Builder> tweak) {
        this.seeds = new SplittableRandom(seed);
        this.tweak = tweak;
    }

    /** A cluster of {@code size} founding voters, all started, none campaigning yet. */
    static TestCluster started(int size, long seed, UnaryOperator<RaftNodeConfig.Builder> tweak) {
        TestCluster c = new TestCluster(seed, tweak);
        long[] ids = new long[size];
        for (int i = 0; i < size; i++) {
            ids[i] = i + 1;
        }
        for (long id : ids) {
            c.bootstrap(id, ids);
        }
        for (long id : ids) {
            c.start(id);
        }
        return c;
    }

    /** Three started voters with node 1 elected leader. */
    static TestCluster withLeader(long seed, UnaryOperator<RaftNodeConfig.Builder> tweak) {
        TestCluster c = started(3, seed, tweak);
        c.node(1).campaign();
        assertThat(c.awaitLeader(1, 2, 3)).isEqualTo(1);
        return c;
    }

    void bootstrap(long id, long... voters) {
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

    /** Starts node {@code id} over its current log and state machine (new ones if none). */
    RaftNode<Long> start(long id) {
        logs.computeIfAbsent(id, k -> new MemoryDurableLog());
        machines.computeIfAbsent(id, k -> new TestStateMachine(await));
        TestClock clock = clocks.computeIfAbsent(id, k -> new TestClock());
        RaftNodeConfig config = tweak.apply(RaftNodeConfig.builder(id)
                .tickInterval(TICK).electionTimeout(ELECTION_TIMEOUT).heartbeatInterval(HEARTBEAT)
                .requestTimeout(Duration.ofHours(1))
                .random(new SplittableRandom(seeds.nextLong()))
                .clock(clock)).build();
        RaftNode<Long> node = new RaftNode<>(config, logs.get(id), network.transport(id),
                machines.get(id));
        View view = new View(await);
        node.addListener(view);
        views.put(id, view);
        nodes.put(id, node);
        node.start();
        return node;
    }

    /** Stops node {@code id} and keeps what its log had synced, as a crash would. */
    void crash(long id) {
        nodes.get(id).close();
        logs.put(id, logs.get(id).reopen());
    }

    RaftNode<Long> node(long id) {
        return nodes.get(id);
    }

    View view(long id) {
        return views.get(id);
    }

    TestStateMachine machine(long id) {
        return machines.get(id);
    }

    MemoryDurableLog log(long id) {
        return logs.get(id);
    }

    /** Waits until every given node knows {@code expected} as leader. */
    void awaitLeader(long expected, long[] ids) {
        await.until("nodes " + java.util.Arrays.toString(ids) + " know leader " + expected,
                () -> java.util.Arrays.stream(ids).allMatch(id -> view(id).leader == expected)
                        && view(expected).role == StateType.LEADER);
    }

    /** Waits until every given node knows the same leader, one of them; returns it. */
    long awaitLeader(long... ids) {
        long[] leader = new long[1];
        await.until("nodes " + java.util.Arrays.toString(ids) + " agree on a leader", () -> {
            long l = views.get(ids[0]).leader;
            for (long id : ids) {
                if (views.get(id).leader != l) {
                    return false;
                }
            }
            boolean among = java.util.Arrays.stream(ids).anyMatch(id -> id == l);
            leader[0] = l;
            return l != 0 && among && views.get(l).role == StateType.LEADER;
        });
        return leader[0];
    }

    void awaitValues(List<String> expected, long... ids) {
        for (long id : ids) {
            await.until("node " + id + " applied " + expected,
                    () -> machines.get(id).values().equals(expected));
        }
    }

    void setSpeed(double factor, long... ids) {
        for (long id : ids) {
            clocks.get(id).setSpeed(factor);
        }
    }

    static <T> T get(CompletableFuture<T> f) {
        try {
            return f.get(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError("future failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("future did not complete within " + Await.TIMEOUT);
        }
    }

    /** The exception a future failed with (waiting a bounded time for it). */
    static Throwable failure(CompletableFuture<?> f) {
        try {
            Object v = f.get(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("future succeeded with " + v);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("future did not complete within " + Await.TIMEOUT);
        }
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Override
    public void close() {
        for (RaftNode<Long> n : nodes.values()) {
            n.close();
        }
        network.close();
    }
}
