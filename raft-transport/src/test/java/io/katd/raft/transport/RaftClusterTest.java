package io.katd.raft.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.proto.transport.StreamKind;
import io.katd.raft.tracker.ProgressState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Three Raft nodes over NettyTransports on loopback sockets. */
class RaftClusterTest {
    private static final StreamKind RAFT = StreamKind.STREAM_KIND_RAFT;

    @Test
    void threeNodesElectALeaderAndReplicate() {
        try (NettyCluster c = NettyCluster.started(3, 1)) {
            c.electFirst();
            c.propose(1, "a");
            c.propose(1, "b");
            // Proposed on a follower: forwarded to the leader over the transport.
            c.propose(2, "c");
            c.awaitValues(List.of("a", "b", "c"), 1, 2, 3);
            for (NettyTransport t : c.transports.values()) {
                assertThat(t.stats().messagesReceived()).isPositive();
                assertThat(t.stats().connectionsRejected()).isZero();
                assertThat(t.stats().connectionsEstablished()).isEqualTo(2);
            }
        }
    }

    @Test
    void aRestartedPeerIsReconnectedByTheOthers() {
        try (NettyCluster c = NettyCluster.started(3, 2)) {
            c.electFirst();
            c.propose(1, "a");
            c.awaitValues(List.of("a"), 1, 2, 3);
            long connectsBefore = c.transports.get(1L).stats().connectionsEstablished();
            c.stop(3);
            c.propose(1, "b");
            c.restart(3);
            c.propose(1, "c");
            c.awaitValues(List.of("a", "b", "c"), 1, 2, 3);
            Await.until("nodes 1 and 2 reconnected to node 3",
                    () -> c.transports.get(1L).stats().connectionsEstablished() > connectsBefore
                            && c.transports.get(2L).stats().connectionsEstablished() > 2);
            c.awaitLeader(1, 1, 2, 3);
        }
    }

    @Test
    void aLaggingFollowerIsCaughtUpWithASnapshotStreamedOverTheTransport() {
        try (NettyCluster c = NettyCluster.started(3, 3, b -> b.snapshotEvery(5, 2),
                (id, b) -> b)) {
            c.electFirst();
            c.propose(1, "v0");
            c.awaitValues(List.of("v0"), 3);
            c.stop(3);
            List<String> expected = new ArrayList<>(List.of("v0"));
            for (int i = 1; i <= 20; i++) {
                expected.add("v" + i);
                c.propose(1, "v" + i);
            }
            int restoresBefore = c.machines.get(3L).restores();
            c.restart(3);
            c.awaitValues(expected, 1, 2, 3);
            assertThat(c.machines.get(3L).restores()).isGreaterThan(restoresBefore);
            // Node 3 installs before node 1 reads its answer: wait for that too.
            Await.until("node 1 hears that node 3 installed the snapshot",
                    () -> c.transports.get(1L).stats().snapshotsSent() > 0);
            Await.until("node 3 counted the snapshot",
                    () -> c.transports.get(3L).stats().snapshotsReceived() > 0);
            assertThat(c.stores.get(3L).size()).isPositive();
            Await.until("the leader replicates to node 3 again", () -> c.node(1).status()
                    .progress().get(3L).state() == ProgressState.REPLICATE);
        }
    }

    @Test
    void badConnectionsAreClosedAndTheClusterKeepsWorking() {
        try (NettyCluster c = NettyCluster.started(3, 4)) {
            c.electFirst();
            c.propose(1, "before");
            List<Long> connects = new ArrayList<>();
            for (NettyTransport t : c.transports.values()) {
                connects.add(t.stats().connectionsEstablished());
            }
            for (long target : new long[] {1, 2}) {
                NettyTransport t = c.transports.get(target);
                for (byte[] bad : badInputs(target)) {
                    try (RawClient client = new RawClient(t.localAddress())) {
                        client.write(bad);
                        client.readUntilClosed();
                    }
                }
                Await.until("node " + target + " rejected every bad connection",
                        () -> t.stats().connectionsRejected() == 5);
            }
            c.propose(1, "after");
            c.awaitValues(List.of("before", "after"), 1, 2, 3);
            // The nodes' own connections were never disturbed: nobody had to reconnect.
            List<Long> after = new ArrayList<>();
            for (NettyTransport t : c.transports.values()) {
                after.add(t.stats().connectionsEstablished());
            }
            assertThat(after).isEqualTo(connects);
        }
    }

    /**
     * Garbage, a truncated protobuf, a length above the default 16 MiB maximum, a wrong
     * cluster id, a wrong receiver id.
     */
    private static List<byte[]> badInputs(long target) {
        byte[] hello = Handshake.hello(NettyCluster.CLUSTER_ID, 9, target, RAFT).toByteArray();
        byte[] half = Arrays.copyOf(hello, hello.length / 2);
        return List.of(
                "\u0000\u0000\u0000\u0010garbage, garbage".getBytes(StandardCharsets.US_ASCII),
                ByteBuffer.allocate(4 + half.length).putInt(half.length).put(half).array(),
                ByteBuffer.allocate(4).putInt(16 << 20).array(),
                PipelineTest.wire(Handshake.hello("other-cluster", 9, target, RAFT)),
                PipelineTest.wire(Handshake.hello(NettyCluster.CLUSTER_ID, 9, target + 1, RAFT)));
    }
}
