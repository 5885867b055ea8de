package io.katd.kv.cluster;

import com.google.protobuf.ByteString;
import io.katd.kv.RaftStateStore;
import io.katd.kv.StateStore;
import io.katd.kv.Waits;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * StateStore throughput on a 3-node cluster in one JVM: {@link MemoryDurableLog}s, a {@link
 * LocalNetwork} and {@link InMemoryBackend}s, so the figures measure the store and Raft
 * runtime rather than disks or sockets. Every request goes to the leader's store; each of the
 * callers keeps exactly one request outstanding. Puts are measured first, then linearizable
 * gets of the keys the puts wrote.
 *
 * <p>Arguments (all optional): seconds measured per phase (10), warm-up seconds (3),
 * callers (64), value bytes (256).
 */
final class StoreBenchmark {
    private static final long[] IDS = {1, 2, 3};
    // Keys per caller: the puts overwrite them round-robin, so the key space stays small.
    private static final int KEYS_PER_CALLER = 64;

    private final LocalNetwork network = new LocalNetwork();
    private final List<RaftStateStore> stores = new ArrayList<>();
    private final List<RaftNode<KvResult>> nodes = new ArrayList<>();
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "bench-scheduler");
                t.setDaemon(true);
                return t;
            });

    private StoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int callers = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int valueBytes = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        StoreBenchmark b = new StoreBenchmark();
        Path dir = Files.createTempDirectory("katd-store-bench-");
        try {
            b.start(dir);
            StateStore leader = b.stores.get(0);
            ByteString value = ByteString.copyFrom(new byte[valueBytes]);
            long[] next = new long[callers];
            Phase puts = b.run(callers, warmup, seconds, c -> leader.put(
                    key(c, (int) (next[c]++ % KEYS_PER_CALLER)), value));
            long[] reads = new long[callers];
            Phase gets = b.run(callers, warmup, seconds, c -> leader.get(
                    key(c, (int) (reads[c]++ % KEYS_PER_CALLER))));
            System.out.printf(Locale.ROOT, "cluster: 3 nodes in one JVM, MemoryDurableLog +"
                    + " LocalNetwork + InMemoryBackend; requests to the leader%n");
            System.out.printf(Locale.ROOT, "callers %d, value %d bytes, warm-up %d s,"
                    + " measured %d s per phase%n", callers, valueBytes, warmup, seconds);
            System.out.printf(Locale.ROOT, "puts/s %.0f (failed %d)%n", puts.rate(),
                    puts.failed());
            System.out.printf(Locale.ROOT, "linearizable gets/s %.0f (failed %d)%n",
                    gets.rate(), gets.failed());
        } finally {
            b.close();
        }
        // Watch delivery executors of the state machines are not daemons.
        System.exit(0);
    }

    private static ByteString key(int caller, int i) {
        return ByteString.copyFromUtf8("/bench/" + caller + "/" + i);
    }

    private void start(Path dir) throws IOException {
        SplittableRandom seeds = new SplittableRandom(7);
        for (long id : IDS) {
            MemoryDurableLog log = new MemoryDurableLog();
            log.bootstrap(ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build());
            Path scratch = Files.createDirectories(dir.resolve("scratch-" + id));
            KvStateMachine sm = new KvStateMachine(id, MvccStore.open(new InMemoryBackend()),
                    scratch, System::nanoTime, WatchConfig.defaults(),
                    Executors.newSingleThreadExecutor());
            RaftNodeConfig config = RaftNodeConfig.builder(id).tickInterval(Duration.ofMillis(10))
                    .electionTimeout(Duration.ofSeconds(3)).heartbeatInterval(Duration.ofMillis(50))
                    .requestTimeout(Duration.ofSeconds(20))
                    .random(new SplittableRandom(seeds.nextLong())).build();
            RaftNode<KvResult> node = new RaftNode<>(config, log, network.transport(id), sm);
            nodes.add(node);
            stores.add(new RaftStateStore(node, sm, new RaftStateStore.Options(
                    "member-" + id, scheduler, Duration.ofMillis(20), Duration.ofSeconds(20))));
        }
        nodes.get(0).campaign();
        Waits.until("node 1 leads and every node knows it", () -> nodes.stream()
                .allMatch(n -> n.status().softState().lead() == 1)
                && nodes.get(0).status().softState().raftState() == StateType.LEADER);
        // The first write of the term: the leader can serve linearizable reads after it.
        Waits.get(stores.get(0).put(ByteString.copyFromUtf8("/bench/ready"), ByteString.EMPTY));
    }

    /** Completed and failed requests of one measured phase. */
    private record Phase(long completed, long failed, long nanos) {
        double rate() {
            return completed * 1e9 / nanos;
        }
    }

    /**
     * Runs {@code callers} request loops for warm-up plus measured seconds; counts what
     * completes inside the measured window.
     */
    private Phase run(int callers, int warmup, int seconds,
            IntFunction<CompletableFuture<?>> request) {
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            loops.add(done);
            loop(c, request, completed, failed, stop, done);
        }
        long[] window = new long[4];
        CompletableFuture<Void> measured = new CompletableFuture<>();
        scheduler.schedule(() -> {
            window[0] = completed.get();
            window[1] = failed.get();
            window[2] = System.nanoTime();
            scheduler.schedule(() -> {
                window[3] = System.nanoTime();
                window[0] = completed.get() - window[0];
                window[1] = failed.get() - window[1];
                stop.set(true);
                measured.complete(null);
            }, seconds, TimeUnit.SECONDS);
        }, warmup, TimeUnit.SECONDS);
        measured.orTimeout(warmup + seconds + 60L, TimeUnit.SECONDS).join();
        CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new))
                .orTimeout(60, TimeUnit.SECONDS).join();
        return new Phase(window[0], window[1], window[3] - window[2]);
    }

    // Each completion issues the caller's next request: one outstanding request per caller.
    private static void loop(int caller, IntFunction<CompletableFuture<?>> request,
            AtomicLong completed, AtomicLong failed, AtomicBoolean stop,
            CompletableFuture<Void> done) {
        if (stop.get()) {
            done.complete(null);
            return;
        }
        request.apply(caller).whenComplete((r, e) -> {
            if (e == null) {
                completed.incrementAndGet();
                loop(caller, request, completed, failed, stop, done);
            } else {
                // A request can fail before it is queued; hopping threads keeps a run of
                // such failures from growing this caller's stack.
                failed.incrementAndGet();
                CompletableFuture.runAsync(
                        () -> loop(caller, request, completed, failed, stop, done));
            }
        });
    }

    private void close() {
        for (RaftStateStore s : stores) {
            s.close();
        }
        scheduler.shutdownNow();
        network.close();
    }
}
