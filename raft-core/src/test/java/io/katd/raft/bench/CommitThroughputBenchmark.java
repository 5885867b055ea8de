package io.katd.raft.bench;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.Message;
import io.katd.raft.Config;
import io.katd.raft.MemoryStorage;
import io.katd.raft.RawNode;
import io.katd.raft.Ready;
import io.katd.raft.StateType;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.helpers.NOPLogger;

/**
 * Entries committed per second by a 3-node cluster of RawNodes on one thread: no I/O,
 * MemoryStorage, messages handed over in memory, 128-byte entries. Each invocation
 * proposes a batch to the leader and runs every node's Ready loop until the leader has
 * applied the whole batch, so the figure includes replication, acknowledgement, commit
 * and apply on all three nodes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CommitThroughputBenchmark {
    static final int BATCH = 1024;
    static final ByteString PAYLOAD = ByteString.copyFrom(new byte[128]);
    static final List<ByteString> BATCH_PAYLOADS = Collections.nCopies(BATCH, PAYLOAD);

    private RawNode[] nodes;
    private MemoryStorage[] storages;
    private final ArrayDeque<Message> network = new ArrayDeque<>();
    private long leaderApplied;

    @Setup(Level.Trial)
    public void setUp() {
        nodes = new RawNode[3];
        storages = new MemoryStorage[3];
        SplittableRandom seeds = new SplittableRandom(42);
        for (int i = 0; i < 3; i++) {
            storages[i] = MemoryStorage.withVoters(1, 2, 3);
            Config config = Config.builder(i + 1)
                    .random(new SplittableRandom(seeds.nextLong()))
                    .maxInflightMsgs(4096)
                    .logger(NOPLogger.NOP_LOGGER)
                    .build();
            nodes[i] = new RawNode(config, storages[i]);
        }
        nodes[0].campaign();
        while (run()) {
            // until the election settles
        }
        if (nodes[0].status().softState().raftState() != StateType.LEADER) {
            throw new IllegalStateException("node 1 did not become leader");
        }
    }

    /** 1024 proposals, each its own MsgProp: every one is sent to followers at once. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long singleProposals() {
        long target = leaderApplied + BATCH;
        for (int i = 0; i < BATCH; i++) {
            if (!nodes[0].propose(PAYLOAD)) {
                throw new IllegalStateException("proposal dropped");
            }
        }
        return settle(target);
    }

    /** 1024 proposals in one MsgProp, as a runtime batches what arrived during a cycle. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long batchedProposals() {
        long target = leaderApplied + BATCH;
        if (!nodes[0].proposeBatch(BATCH_PAYLOADS)) {
            throw new IllegalStateException("proposal dropped");
        }
        return settle(target);
    }

    private long settle(long target) {
        while (leaderApplied < target) {
            if (!run()) {
                throw new IllegalStateException("cluster stalled at " + leaderApplied);
            }
        }
        return leaderApplied;
    }

    /** Keeps memory flat over long runs, as a real node would by snapshotting. */
    private static void maybeCompact(MemoryStorage storage, long applied) {
        long keep = 4 * BATCH;
        if (applied - storage.firstIndex() > 16 * BATCH) {
            storage.compact(applied - keep);
        }
    }

    /** One round: every node's Ready, then every message in flight. */
    private boolean run() {
        boolean any = false;
        for (int i = 0; i < 3; i++) {
            RawNode n = nodes[i];
            if (!n.hasReady()) {
                continue;
            }
            any = true;
            Ready rd = n.ready();
            storages[i].append(rd.entries());
            rd.hardState().ifPresent(storages[i]::setHardState);
            network.addAll(rd.messages());
            if (!rd.committedEntries().isEmpty()) {
                long applied = rd.committedEntries().get(rd.committedEntries().size() - 1)
                        .getIndex();
                if (i == 0) {
                    leaderApplied = applied;
                }
                maybeCompact(storages[i], applied);
            }
            n.advance(rd);
        }
        while (!network.isEmpty()) {
            Message m = network.poll();
            nodes[(int) m.getTo() - 1].step(m);
            any = true;
        }
        return any;
    }
}
