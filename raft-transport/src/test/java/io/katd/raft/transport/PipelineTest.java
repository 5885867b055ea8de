package io.katd.raft.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.proto.transport.Frame;
import io.katd.proto.transport.StreamKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pipeline and the handshake handlers on EmbeddedChannels: no sockets, no threads. */
class PipelineTest {
    private static final int MAX_FRAME_BYTES = 4_096;
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

    private final RecordingInbound inbound = new RecordingInbound();
    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private final TransportContext t = context();

    private TransportContext context() {
        NettyTransportConfig config = NettyTransportConfig.builder(1, "c1",
                new InetSocketAddress("127.0.0.1", 0)).maxFrameBytes(MAX_FRAME_BYTES)
                .snapshotChunkBytes(1_024)
                .handshakeTimeout(HANDSHAKE_TIMEOUT).build();
        TransportContext c = new TransportContext(config, new MemorySnapshotStore(), pool, null,
                null);
        c.open(inbound);
        return c;
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    // ---- the codec ------------------------------------------------------------------

    @Test
    void aFrameSplitAtAnyByteIsDecodedOnceComplete() {
        Frame f = heartbeat(2, 1);
        byte[] wire = wire(f);
        for (int split = 1; split < wire.length; split++) {
            EmbeddedChannel ch = codec();
            ch.writeInbound(Unpooled.wrappedBuffer(wire, 0, split));
            assertThat(in(ch)).as("after %d of %d bytes", split, wire.length)
                    .isNull();
            ch.writeInbound(Unpooled.wrappedBuffer(wire, split, wire.length - split));
            assertThat(in(ch)).isEqualTo(f);
            assertThat(in(ch)).isNull();
            assertThat(ch.finish()).isFalse();
        }
    }

    @Test
    void framesFedOneByteAtATimeAndTwoInOneBufferAllArrive() {
        Frame a = heartbeat(2, 1);
        Frame b = Handshake.hello("c1", 2, 1, StreamKind.STREAM_KIND_RAFT);
        byte[] wire = concat(wire(a), wire(b));
        EmbeddedChannel ch = codec();
        for (byte x : wire) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {x}));
        }
        assertThat(List.of(in(ch), in(ch))).containsExactly(a, b);
        EmbeddedChannel whole = codec();
        whole.writeInbound(Unpooled.wrappedBuffer(wire));
        assertThat(List.of(in(whole), in(whole)))
                .containsExactly(a, b);
    }

    @Test
    void theEncoderWritesALengthPrefixedFrame() throws InvalidProtocolBufferException {
        Frame f = heartbeat(1, 2);
        EmbeddedChannel ch = codec();
        ch.writeOutbound(f);
        byte[] out = outbound(ch);
        assertThat(ByteBuffer.wrap(out).getInt()).isEqualTo(out.length - 4);
        assertThat(Frame.parseFrom(Arrays.copyOfRange(out, 4, out.length))).isEqualTo(f);
    }

    @Test
    void aLengthAboveTheMaximumFailsBeforeTheFrameIsBuffered() {
        EmbeddedChannel ch = codec();
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.buffer().writeInt(MAX_FRAME_BYTES)))
                .isInstanceOf(TooLongFrameException.class);
    }

    // ---- the accepting side -----------------------------------------------------------

    @Test
    void aHelloSplitInPiecesIsAnsweredThenMessagesFlowToTheNode() {
        EmbeddedChannel ch = server();
        byte[] hello = wire(Handshake.hello("c1", 2, 1, StreamKind.STREAM_KIND_RAFT));
        for (byte x : hello) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {x}));
        }
        assertThat(frames(outbound(ch))).containsExactly(Handshake.ack("c1", 1));
        byte[] hb = wire(heartbeat(2, 1));
        ch.writeInbound(Unpooled.wrappedBuffer(hb, 0, 3));
        assertThat(inbound.received).isEmpty();
        ch.writeInbound(Unpooled.wrappedBuffer(hb, 3, hb.length - 3));
        assertThat(inbound.received).containsExactly(heartbeat(2, 1).getRaft());
        assertThat(ch.isOpen()).isTrue();
        assertThat(t.counters.messagesReceived.sum()).isEqualTo(1);
    }

    @Test
    void aRaftMessageBeforeTheHandshakeClosesTheConnection() {
        EmbeddedChannel ch = server();
        ch.writeInbound(Unpooled.wrappedBuffer(wire(heartbeat(2, 1))));
        assertThat(ch.isOpen()).isFalse();
        assertThat(inbound.received).isEmpty();
        assertThat(t.counters.connectionsRejected.sum()).isEqualTo(1);
    }

    @Test
    void aMismatchedHelloIsRefusedWithTheReasonAndClosed() {
        EmbeddedChannel ch = server();
        ch.writeInbound(Unpooled.wrappedBuffer(wire(
                Handshake.hello("other", 2, 1, StreamKind.STREAM_KIND_RAFT))));
        ch.runPendingTasks();
        assertThat(frames(outbound(ch))).containsExactly(Handshake.reject(
                "cluster id mismatch: expected \"c1\", got \"other\""));
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void noHelloWithinTheTimeoutClosesTheConnection() {
        EmbeddedChannel ch = server();
        // The channel's clock stands still from here on; only advanceTimeBy moves it.
        ch.freezeTime();
        byte[] hello = wire(Handshake.hello("c1", 2, 1, StreamKind.STREAM_KIND_RAFT));
        ch.writeInbound(Unpooled.wrappedBuffer(hello, 0, hello.length - 1));
        ch.advanceTimeBy(HANDSHAKE_TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(t.counters.connectionsRejected.sum()).isEqualTo(1);
    }

    @Test
    void undecodableBytesCloseTheConnection() {
        EmbeddedChannel ch = server();
        byte[] junk = new byte[12];
        Arrays.fill(junk, (byte) 0xff);
        ByteBuffer.wrap(junk).putInt(8);
        ch.writeInbound(Unpooled.wrappedBuffer(junk));
        assertThat(ch.isOpen()).isFalse();
        assertThat(t.counters.connectionsRejected.sum()).isEqualTo(1);
    }

    @Test
    void anOversizeLengthClosesTheConnection() {
        EmbeddedChannel ch = server();
        ch.writeInbound(Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeLong(42));
        assertThat(ch.isOpen()).isFalse();
        assertThat(t.counters.connectionsRejected.sum()).isEqualTo(1);
    }

    @Test
    void aMessageFromAnotherNodeOnTheStreamClosesIt() {
        EmbeddedChannel ch = handshaken();
        ch.writeInbound(Unpooled.wrappedBuffer(wire(heartbeat(3, 1))));
        assertThat(ch.isOpen()).isFalse();
        assertThat(inbound.received).isEmpty();
    }

    @Test
    void aMessageTheNodeCannotTakeIsDroppedAndTheConnectionStays() {
        EmbeddedChannel ch = handshaken();
        inbound.accepting = false;
        ch.writeInbound(Unpooled.wrappedBuffer(wire(heartbeat(2, 1))));
        assertThat(ch.isOpen()).isTrue();
        inbound.accepting = true;
        ch.writeInbound(Unpooled.wrappedBuffer(wire(heartbeat(2, 1))));
        assertThat(inbound.received).hasSize(1);
    }

    // ---- the connecting side ----------------------------------------------------------

    @Test
    void theClientSendsHelloAndSwitchesToTheStreamOnAValidAck() {
        AtomicReference<Channel> established = new AtomicReference<>();
        List<String> failures = new ArrayList<>();
        EmbeddedChannel ch = client(established, failures);
        assertThat(frames(outbound(ch))).containsExactly(
                Handshake.hello("c1", 1, 2, StreamKind.STREAM_KIND_RAFT));
        ch.writeInbound(Unpooled.wrappedBuffer(wire(Handshake.ack("c1", 2))));
        assertThat(established.get()).isSameAs(ch);
        assertThat(ch.pipeline().get(ClientHandshakeHandler.class)).isNull();
        assertThat(failures).isEmpty();
    }

    @Test
    void theClientClosesWhenTheWrongNodeAnswers() {
        AtomicReference<Channel> established = new AtomicReference<>();
        List<String> failures = new ArrayList<>();
        EmbeddedChannel ch = client(established, failures);
        ch.writeInbound(Unpooled.wrappedBuffer(wire(Handshake.ack("c1", 3))));
        assertThat(ch.isOpen()).isFalse();
        assertThat(established.get()).isNull();
        assertThat(failures).containsExactly("node id mismatch: expected 2, got 3");
    }

    @Test
    void theClientReportsARejectsReason() {
        List<String> failures = new ArrayList<>();
        EmbeddedChannel ch = client(new AtomicReference<>(), failures);
        ch.writeInbound(Unpooled.wrappedBuffer(wire(Handshake.reject("receiver id mismatch"))));
        assertThat(ch.isOpen()).isFalse();
        assertThat(failures).containsExactly("refused: receiver id mismatch");
    }

    // ---- helpers ----------------------------------------------------------------------

    /** The next decoded inbound message, or null. */
    private static Object in(EmbeddedChannel ch) {
        return ch.readInbound();
    }

    private static EmbeddedChannel codec() {
        EmbeddedChannel ch = new EmbeddedChannel();
        PeerChannelInitializer.addCodec(ch.pipeline(), MAX_FRAME_BYTES);
        return ch;
    }

    private EmbeddedChannel server() {
        return new EmbeddedChannel(new PeerChannelInitializer(null, null, MAX_FRAME_BYTES,
                p -> p.addLast(ServerHandshakeHandler.NAME, new ServerHandshakeHandler(t))));
    }

    private EmbeddedChannel handshaken() {
        EmbeddedChannel ch = server();
        ch.writeInbound(Unpooled.wrappedBuffer(wire(
                Handshake.hello("c1", 2, 1, StreamKind.STREAM_KIND_RAFT))));
        assertThat(frames(outbound(ch))).containsExactly(Handshake.ack("c1", 1));
        return ch;
    }

    private EmbeddedChannel client(AtomicReference<Channel> established, List<String> failures) {
        return new EmbeddedChannel(new PeerChannelInitializer(null, null, MAX_FRAME_BYTES,
                p -> p.addLast(ClientHandshakeHandler.NAME, new ClientHandshakeHandler(t, 2,
                        StreamKind.STREAM_KIND_RAFT, new RaftInboundHandler(t, 2),
                        established::set, failures::add))));
    }

    static Frame heartbeat(long from, long to) {
        return Frame.newBuilder().setRaft(Message.newBuilder().setType(MessageType.MsgHeartbeat)
                .setFrom(from).setTo(to).setTerm(3).setCommit(7)).build();
    }

    /** The frame as it travels: 4-byte length, then the bytes. */
    static byte[] wire(Frame f) {
        byte[] body = f.toByteArray();
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Everything the channel wrote, as bytes. */
    private static byte[] outbound(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.write(bytes, 0, bytes.length);
        }
        return out.toByteArray();
    }

    /** Length-prefixed frames parsed back. */
    private static List<Frame> frames(byte[] wire) {
        List<Frame> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(wire);
        while (b.hasRemaining()) {
            byte[] body = new byte[b.getInt()];
            b.get(body);
            try {
                out.add(Frame.parseFrom(body));
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }
}
