package io.katd.raft.example;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.raft.node.LocalNetwork;
import io.katd.raft.node.MemoryDurableLog;
import io.katd.raft.node.RaftNode;
import io.katd.raft.node.RaftNodeConfig;
import io.katd.raft.node.RaftNodeListener;
import io.katd.raft.node.StateMachine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A replicated counter built on raft-core alone: the state machine adds signed deltas
 * (8-byte commands) to a long. {@link #main} starts three nodes in this JVM over a
 * {@link LocalNetwork}, increments the counter through each of them, reads it
 * linearizably on every node and prints the values.
 */
public final class ReplicatedCounter implements StateMachine<Long> {
    private static final long WAIT_SECONDS = 30;

    // Written by the node's raft thread, read by any thread after a readIndex: volatile
    // publishes each new value.
    private volatile long value;
    private volatile long appliedIndex;

    /** The command that adds {@code delta} to the counter. */
    public static ByteString add(long delta) {
        return ByteString.copyFrom(ByteBuffer.allocate(Long.BYTES).putLong(delta).array());
    }

    /** The counter's value; linearizable right after this node's readIndex completes. */
    public long value() {
        return value;
    }

    @Override
    public Long apply(long index, ByteString command) {
        value += command.asReadOnlyByteBuffer().getLong();
        appliedIndex = index;
        return value;
    }

    @Override
    public void markApplied(long index) {
        appliedIndex = index;
    }

    @Override
    public long appliedIndex() {
        // Held in memory only: after a restart the node rebuilds it from the log.
        return appliedIndex;
    }

    @Override
    public ByteString snapshot() {
        return add(value);
    }

    @Override
    public void restore(long index, ByteString data) {
        value = data.isEmpty() ? 0 : data.asReadOnlyByteBuffer().getLong();
        appliedIndex = index;
    }

    public static void main(String[] args) throws Exception {
        Map<Long, Long> values = run();
        values.forEach((id, v) -> System.out.println("node " + id + " reads counter = " + v));
    }

    /** Runs the demo and returns the value each node read linearizably. */
    static Map<Long, Long> run() throws IOException, InterruptedException {
        long[] ids = {1, 2, 3};
        ConfState voters = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();
        Map<Long, RaftNode<Long>> nodes = new TreeMap<>();
        Map<Long, ReplicatedCounter> counters = new TreeMap<>();
        List<CompletableFuture<Long>> leaderKnown = new ArrayList<>();
        try (LocalNetwork network = new LocalNetwork()) {
            for (long id : ids) {
                MemoryDurableLog log = new MemoryDurableLog();
                log.bootstrap(voters); // a founding member of a new cluster
                ReplicatedCounter counter = new ReplicatedCounter();
                RaftNode<Long> node = new RaftNode<>(config(id), log, network.transport(id),
                        counter);
                leaderKnown.add(whenLeaderKnown(node));
                node.start();
                nodes.put(id, node);
                counters.put(id, counter);
            }
            nodes.get(1L).campaign();
            for (CompletableFuture<Long> f : leaderKnown) {
                await(f);
            }
            // Increment through every node: followers forward to the leader.
            await(nodes.get(1L).propose(add(5)));
            await(nodes.get(2L).propose(add(10)));
            await(nodes.get(3L).propose(add(-3)));
            Map<Long, Long> read = new TreeMap<>();
            for (long id : ids) {
                await(nodes.get(id).readIndex());
                read.put(id, counters.get(id).value());
            }
            return read;
        } finally {
            for (RaftNode<Long> n : nodes.values()) {
                n.close();
            }
        }
    }

    private static RaftNodeConfig config(long id) {
        return RaftNodeConfig.builder(id)
                .tickInterval(Duration.ofMillis(10))
                .electionTimeout(Duration.ofMillis(500))
                .heartbeatInterval(Duration.ofMillis(50))
                .build();
    }

    private static CompletableFuture<Long> whenLeaderKnown(RaftNode<Long> node) {
        CompletableFuture<Long> known = new CompletableFuture<>();
        node.addListener(new RaftNodeListener() {
            @Override
            public void onLeaderChange(long leaderId, long term) {
                if (leaderId != 0) {
                    known.complete(leaderId);
                }
            }
        });
        return known;
    }

    private static <T> T await(CompletableFuture<T> f) throws InterruptedException {
        try {
            return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("request failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within " + WAIT_SECONDS + " s", e);
        }
    }
}
