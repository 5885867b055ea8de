package io.katd.raft.transport;

import static io.katd.raft.transport.Transports.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;

import io.katd.proto.transport.Frame;
import io.katd.proto.transport.Hello;
import io.katd.proto.transport.StreamKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hand-written clients send a transport bad bytes on real sockets: each bad connection is
 * closed, and only it: a well-behaved connection opened before goes on delivering.
 */
class MalformedConnectionTest {
    private static final int MAX_FRAME_BYTES = 64 << 10;

    private final Transports transports = new Transports();
    private final RecordingInbound inbound = new RecordingInbound();
    private NettyTransport node;
    private RawClient good;
    private long commit;

    /** What a bad client sends, and the reason the node gives when it answers one. */
    enum Bad {
        TEXT(c -> c.write("GET / HTTP/1.1\r\nHost: katd\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII)), null),
        UNDECODABLE(c -> {
            byte[] junk = new byte[12];
            Arrays.fill(junk, (byte) 0xff);
            ByteBuffer.wrap(junk).putInt(8);
            c.write(junk);
        }, null),
        TRUNCATED_PROTOBUF(c -> {
            byte[] hello = hello(b -> { }).toByteArray();
            byte[] half = Arrays.copyOf(hello, hello.length / 2);
            c.write(ByteBuffer.allocate(4 + half.length).putInt(half.length).put(half).array());
        }, null),
        TRUNCATED_FRAME(c -> c.write(ByteBuffer.allocate(14).putInt(100).array()), null),
        OVERSIZE(c -> c.write(ByteBuffer.allocate(8).putInt(MAX_FRAME_BYTES).array()), null),
        WRONG_CLUSTER(c -> c.write(hello(b -> b.setClusterId("other"))),
                "cluster id mismatch: expected \"katd-test\", got \"other\""),
        WRONG_RECEIVER(c -> c.write(hello(b -> b.setReceiverId(2))),
                "receiver id mismatch: expected 1, got 2"),
        WRONG_VERSION(c -> c.write(hello(b -> b.setProtocolVersion(7))),
                "protocol version mismatch: expected 1, got 7"),
        RAFT_BEFORE_HELLO(c -> c.write(Frame.newBuilder().setRaft(heartbeat(3, 1, 1)).build()),
                null),
        OVERSIZE_AFTER_HANDSHAKE(c -> {
            c.write(hello(b -> { }));
            assertThat(c.read().hasHelloAck()).isTrue();
            c.write(ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).array());
        }, null),
        FORGED_SENDER_AFTER_HANDSHAKE(c -> {
            c.write(hello(b -> { }));
            assertThat(c.read().hasHelloAck()).isTrue();
            c.write(Frame.newBuilder().setRaft(heartbeat(2, 1, 1)).build());
        }, null);

        final Consumer<RawClient> send;
        final String rejectReason;

        Bad(Consumer<RawClient> send, String rejectReason) {
            this.send = send;
            this.rejectReason = rejectReason;
        }
    }

    /** A Hello from node 3 to node 1, adjusted. */
    private static Frame hello(Consumer<Hello.Builder> adjust) {
        Hello.Builder b = Handshake.hello(Transports.CLUSTER_ID, 3, 1,
                StreamKind.STREAM_KIND_RAFT).getHello().toBuilder();
        adjust.accept(b);
        return Frame.newBuilder().setHello(b).build();
    }

    @BeforeEach
    void startNodeAndAGoodPeer() {
        node = transports.create(1, b -> b.maxFrameBytes(MAX_FRAME_BYTES)
                .snapshotChunkBytes(32 << 10).handshakeTimeout(Duration.ofSeconds(1)));
        node.start(inbound);
        good = new RawClient(node.localAddress());
        good.write(Frame.newBuilder().setHello(Handshake.hello(Transports.CLUSTER_ID, 2, 1,
                StreamKind.STREAM_KIND_RAFT).getHello()).build());
        assertThat(good.read()).isEqualTo(Handshake.ack(Transports.CLUSTER_ID, 1));
        assertGoodPeerStillDelivers();
    }

    @AfterEach
    void close() {
        good.close();
        transports.close();
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void closesOnlyTheBadConnection(Bad bad) {
        long rejectedBefore = node.stats().connectionsRejected();
        try (LogCapture log = new LogCapture(FrameHandler.class);
                RawClient client = new RawClient(node.localAddress())) {
            bad.send.accept(client);
            List<Frame> answers = client.readUntilClosed();
            if (bad.rejectReason != null) {
                assertThat(answers).containsExactly(Handshake.reject(bad.rejectReason));
                assertThat(log.contains(bad.rejectReason)).as("the reason is logged").isTrue();
            } else {
                assertThat(answers).allMatch(Frame::hasHelloAck);
            }
        }
        Await.until("the node counts the rejected connection",
                () -> node.stats().connectionsRejected() == rejectedBefore + 1);
        assertGoodPeerStillDelivers();
        assertThat(inbound.received).isEmpty();
    }

    @Test
    void everyKindInTurnLeavesTheNodeWorking() {
        for (Bad bad : Bad.values()) {
            try (RawClient client = new RawClient(node.localAddress())) {
                bad.send.accept(client);
                client.readUntilClosed();
            }
        }
        Await.until("the node counts every rejected connection",
                () -> node.stats().connectionsRejected() == Bad.values().length);
        assertGoodPeerStillDelivers();
    }

    private void assertGoodPeerStillDelivers() {
        commit++;
        good.write(Frame.newBuilder().setRaft(heartbeat(2, 1, commit)).build());
        assertThat(inbound.next().getCommit()).isEqualTo(commit);
    }
}
