package io.katd.raft.transport;

import static io.katd.raft.transport.Transports.append;
import static io.katd.raft.transport.Transports.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.proto.raft.Message;
import io.katd.proto.transport.Frame;
import io.katd.proto.transport.StreamKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two or three transports on loopback sockets, with recording inbounds. */
class NettyTransportTest {
    private final Transports transports = new Transports();

    @AfterEach
    void closeAll() {
        transports.close();
    }

    @Test
    void deliversEveryMessageInOrder() {
        NettyTransport a = transports.create(1);
        NettyTransport b = transports.create(2);
        RecordingInbound inA = new RecordingInbound();
        RecordingInbound inB = new RecordingInbound();
        a.setPeers(Map.of(2L, b.localAddress()));
        a.start(inA);
        b.start(inB);
        awaitConnected(a, 1);
        for (int batch = 0; batch < 20; batch++) {
            List<Message> ms = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ms.add(heartbeat(1, 2, batch * 50L + i));
            }
            a.send(ms);
        }
        for (long i = 0; i < 1_000; i++) {
            assertThat(inB.next().getCommit()).isEqualTo(i);
        }
        assertThat(inA.unreachable).isEmpty();
        Await.until("both sides counted 1,000 messages", () -> a.stats().messagesSent() == 1_000
                && b.stats().messagesReceived() == 1_000);
    }

    @Test
    void aMessageToAnUnknownPeerIsDroppedAndReported() {
        NettyTransport a = transports.create(1);
        RecordingInbound in = new RecordingInbound();
        a.start(in);
        a.send(List.of(heartbeat(1, 9, 0), heartbeat(1, 9, 1)));
        assertThat(in.unreachable).containsExactly(9L);
        assertThat(a.stats().messagesDropped()).isEqualTo(2);
    }

    @Test
    void messagesToAPeerThatIsDownAreDroppedAndReported() throws IOException {
        InetSocketAddress nobody;
        try (ServerSocket s = new ServerSocket(0)) {
            nobody = new InetSocketAddress("127.0.0.1", s.getLocalPort());
        }
        NettyTransport a = transports.create(1);
        RecordingInbound in = new RecordingInbound();
        a.setPeers(Map.of(2L, nobody));
        a.start(in);
        a.send(List.of(heartbeat(1, 2, 0)));
        assertThat(Await.take(in.unreachable, "an unreachable report")).isEqualTo(2L);
    }

    @Test
    void aFullQueueDropsAndReports() throws IOException {
        // A peer that accepts the connection and never answers the handshake: messages
        // wait in the queue, which holds four.
        try (ServerSocket silent = new ServerSocket(0)) {
            NettyTransport a = transports.create(1, b -> b.outboundQueueMessages(4)
                    .handshakeTimeout(Await.TIMEOUT));
            RecordingInbound in = new RecordingInbound();
            a.setPeers(Map.of(2L, new InetSocketAddress("127.0.0.1", silent.getLocalPort())));
            a.start(in);
            List<Message> ms = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ms.add(heartbeat(1, 2, i));
            }
            a.send(ms);
            assertThat(in.unreachable).containsExactly(2L);
            assertThat(a.stats().messagesDropped()).isEqualTo(6);
        }
    }

    @Test
    void aPeerThatStopsReadingMakesTheConnectionUnwritableAndMessagesAreDropped()
            throws IOException {
        try (ServerSocket stalled = new ServerSocket(0)) {
            NettyTransport a = transports.create(1, b -> b.outboundQueueMessages(64)
                    .writeBufferWaterMarks(64 << 10, 256 << 10));
            RecordingInbound in = new RecordingInbound();
            a.setPeers(Map.of(2L, new InetSocketAddress("127.0.0.1", stalled.getLocalPort())));
            a.start(in);
            try (Socket peer = stalled.accept()) {
                answerHandshake(peer);
                awaitConnected(a, 1);
                long index = 1;
                // The socket buffers fill (a few MB at most), then the channel turns
                // unwritable and the transport drops instead of buffering without bound.
                while (in.unreachable.isEmpty() && index < 20_000) {
                    a.send(List.of(append(1, 2, index++, 64 << 10)));
                }
                assertThat(in.unreachable).contains(2L);
                assertThat(a.stats().messagesDropped()).isPositive();
                assertThat(a.stats().messagesSent()).isLessThan(index - 1);
            }
        }
    }

    @Test
    void reconnectsWhenThePeerRestartsOnTheSamePort() {
        NettyTransport a = transports.create(1);
        NettyTransport b = transports.create(2);
        RecordingInbound inA = new RecordingInbound();
        RecordingInbound inB = new RecordingInbound();
        a.setPeers(Map.of(2L, b.localAddress()));
        a.start(inA);
        b.start(inB);
        awaitConnected(a, 1);
        a.send(List.of(heartbeat(1, 2, 1)));
        assertThat(inB.next().getCommit()).isEqualTo(1);
        InetSocketAddress address = b.localAddress();
        b.close();
        NettyTransport b2 = transports.create(2, new MemorySnapshotStore(), address, c -> c);
        RecordingInbound inB2 = new RecordingInbound();
        b2.start(inB2);
        Await.until("node 1 reconnects and delivers to the restarted node 2", () -> {
            a.send(List.of(heartbeat(1, 2, 2)));
            return !inB2.received.isEmpty();
        });
        assertThat(a.stats().connectionsEstablished()).isEqualTo(2);
    }

    @Test
    void aPeerCanMoveAndBeRemoved() {
        NettyTransport a = transports.create(1);
        NettyTransport b = transports.create(2);
        NettyTransport b2 = transports.create(2);
        RecordingInbound inA = new RecordingInbound();
        RecordingInbound inB = new RecordingInbound();
        RecordingInbound inB2 = new RecordingInbound();
        a.start(inA);
        b.start(inB);
        b2.start(inB2);
        a.putPeer(2, b.localAddress());
        awaitConnected(a, 1);
        a.send(List.of(heartbeat(1, 2, 1)));
        assertThat(inB.next().getCommit()).isEqualTo(1);
        a.putPeer(2, b2.localAddress());
        assertThat(a.peers()).isEqualTo(Map.of(2L, b2.localAddress()));
        awaitConnected(a, 2);
        a.send(List.of(heartbeat(1, 2, 2)));
        assertThat(inB2.next().getCommit()).isEqualTo(2);
        a.removePeer(2);
        a.send(List.of(heartbeat(1, 2, 3)));
        assertThat(inA.unreachable).containsExactly(2L);
        assertThat(inB.received).isEmpty();
    }

    @Test
    void aConnectionToTheWrongNodeIsRefusedWithTheMismatch() {
        NettyTransport a = transports.create(1);
        NettyTransport c = transports.create(3);
        RecordingInbound inA = new RecordingInbound();
        RecordingInbound inC = new RecordingInbound();
        c.start(inC);
        try (LogCapture log = new LogCapture(ClientHandshakeHandler.class)) {
            a.setPeers(Map.of(2L, c.localAddress()));
            a.start(inA);
            a.send(List.of(heartbeat(1, 2, 1)));
            Await.until("node 3 refuses node 1's connection to node 2",
                    () -> log.contains("receiver id mismatch: expected 3, got 2"));
        }
        assertThat(Await.take(inA.unreachable, "an unreachable report")).isEqualTo(2L);
        assertThat(inC.received).isEmpty();
        assertThat(c.stats().connectionsRejected()).isPositive();
        assertThat(a.stats().connectionsEstablished()).isZero();
    }

    @Test
    void aMessageLargerThanAFrameIsDroppedBySenderAndTheConnectionStays() {
        NettyTransport a = transports.create(1, b -> b.maxFrameBytes(64 << 10)
                .snapshotChunkBytes(32 << 10));
        NettyTransport b = transports.create(2, c -> c.maxFrameBytes(64 << 10)
                .snapshotChunkBytes(32 << 10));
        RecordingInbound inA = new RecordingInbound();
        RecordingInbound inB = new RecordingInbound();
        a.setPeers(Map.of(2L, b.localAddress()));
        a.start(inA);
        b.start(inB);
        awaitConnected(a, 1);
        a.send(List.of(append(1, 2, 5, 100 << 10), heartbeat(1, 2, 6)));
        assertThat(inB.next().getCommit()).isEqualTo(6);
        assertThat(Await.take(inA.unreachable, "an unreachable report")).isEqualTo(2L);
        assertThat(a.stats().messagesDropped()).isEqualTo(1);
        assertThat(a.stats().connectionsEstablished()).isEqualTo(1);
    }

    @Test
    void afterCloseNothingIsSentOrReported() {
        NettyTransport a = transports.create(1);
        RecordingInbound in = new RecordingInbound();
        a.start(in);
        a.close();
        a.send(List.of(heartbeat(1, 9, 0)));
        assertThat(in.unreachable).isEmpty();
        assertThatThrownBy(() -> a.start(in)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void portZeroIsReplacedByTheBoundPort() {
        NettyTransport a = transports.create(1);
        assertThat(a.localAddress().getPort()).isPositive();
        assertThat(a.bind()).isEqualTo(a.localAddress());
    }

    /** Waits until {@code t} completed {@code n} outgoing handshakes in total. */
    static void awaitConnected(NettyTransport t, long n) {
        Await.until("the transport established " + n + " connections",
                () -> t.stats().connectionsEstablished() >= n);
    }

    private static void answerHandshake(Socket peer) throws IOException {
        peer.setSoTimeout((int) Await.TIMEOUT.toMillis());
        java.io.DataInputStream in = new java.io.DataInputStream(peer.getInputStream());
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        Frame hello = Frame.parseFrom(body);
        assertThat(hello.getHello().getKind()).isEqualTo(StreamKind.STREAM_KIND_RAFT);
        peer.getOutputStream().write(PipelineTest.wire(Handshake.ack(Transports.CLUSTER_ID, 2)));
        peer.getOutputStream().flush();
    }
}
