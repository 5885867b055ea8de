package io.katd.raft.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.proto.transport.Frame;
import io.katd.proto.transport.Probe;
import io.katd.proto.transport.StreamKind;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each outgoing raft stream measures its round trip with probes the acceptor echoes. */
class RoundTripTest {
    private final Transports transports = new Transports();

    @AfterEach
    void closeAll() {
        transports.close();
    }

    @Test
    void anOutgoingStreamMeasuresItsRoundTripAndTellsTheListeners() {
        NettyTransport a = transports.create(1, b -> b.probeInterval(Duration.ofMillis(20)));
        NettyTransport b = transports.create(2);
        BlockingQueue<long[]> heard = new LinkedBlockingQueue<>();
        a.addRoundTripListener((peer, nanos) -> heard.add(new long[] {peer, nanos}));
        a.setPeers(Map.of(2L, b.localAddress()));
        a.start(new RecordingInbound());
        b.start(new RecordingInbound());

        long[] first = Await.take(heard, "a round trip to node 2");
        assertThat(first[0]).isEqualTo(2L);
        assertThat(first[1]).isPositive().isLessThan(Duration.ofSeconds(30).toNanos());
        Await.until("node 1 keeps the last round trip to node 2",
                () -> a.lastRoundTrips().containsKey(2L));
        // The acceptor measures nothing: it has no outgoing stream.
        assertThat(b.lastRoundTrips()).isEmpty();
        // Probes are not Raft messages.
        assertThat(a.stats().messagesSent()).isZero();
        assertThat(b.stats().messagesReceived()).isZero();
        assertThat(b.stats().connectionsRejected()).isZero();
    }

    @Test
    void theAcceptorEchoesAPingUnchanged() {
        NettyTransport node = transports.create(1);
        node.start(new RecordingInbound());
        try (RawClient c = new RawClient(node.localAddress())) {
            c.write(Frame.newBuilder().setHello(Handshake.hello(Transports.CLUSTER_ID, 2, 1,
                    StreamKind.STREAM_KIND_RAFT).getHello()).build());
            assertThat(c.read().hasHelloAck()).isTrue();
            c.write(Frame.newBuilder().setPing(Probe.newBuilder().setSentNanos(12345)).build());
            Frame answer = c.read();
            assertThat(answer.hasPong()).isTrue();
            assertThat(answer.getPong().getSentNanos()).isEqualTo(12345);
        }
    }

    @Test
    void aPongOnAnAcceptedStreamIsAViolation() {
        NettyTransport node = transports.create(1);
        node.start(new RecordingInbound());
        try (RawClient c = new RawClient(node.localAddress())) {
            c.write(Frame.newBuilder().setHello(Handshake.hello(Transports.CLUSTER_ID, 2, 1,
                    StreamKind.STREAM_KIND_RAFT).getHello()).build());
            assertThat(c.read().hasHelloAck()).isTrue();
            c.write(Frame.newBuilder().setPong(Probe.newBuilder().setSentNanos(1)).build());
            c.readUntilClosed();
        }
        Await.until("the node rejected the connection",
                () -> node.stats().connectionsRejected() == 1);
    }
}
