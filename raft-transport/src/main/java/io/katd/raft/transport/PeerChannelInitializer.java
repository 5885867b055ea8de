package io.katd.raft.transport;

import io.katd.proto.transport.Frame;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Builds the pipeline of every peer connection, accepted or connected:
 *
 * <pre>
 *   [tls] -> frameDecoder -> protobufDecoder -> ... stream handlers      (inbound)
 *   [tls] <- framePrepender <- protobufEncoder <- ... stream handlers    (outbound)
 * </pre>
 *
 * The frame decoder bounds memory: a length above {@code maxFrameBytes} fails at once,
 * before the frame is buffered. The decoders turn bytes into {@link Frame}s and release
 * their buffers, so no ByteBuf reaches the stream handlers (nor leaves the module).
 * Sharable, like every ChannelInitializer; it makes fresh stateful handlers per channel.
 */
final class PeerChannelInitializer extends ChannelInitializer<Channel> {
    static final String TLS = "tls";
    static final String FRAME_DECODER = "frameDecoder";
    static final String PROTOBUF_DECODER = "protobufDecoder";
    static final String FRAME_PREPENDER = "framePrepender";
    static final String PROTOBUF_ENCODER = "protobufEncoder";
    static final int LENGTH_FIELD_BYTES = 4;

    // Stateless and @Sharable; the frame decoder is not, so it is made per channel.
    private static final ProtobufDecoder DECODER =
            new ProtobufDecoder(Frame.getDefaultInstance());
    private static final ProtobufEncoder ENCODER = new ProtobufEncoder();
    private static final LengthFieldPrepender PREPENDER =
            new LengthFieldPrepender(LENGTH_FIELD_BYTES);

    private final SslContext ssl;
    private final InetSocketAddress remote;
    private final int maxFrameBytes;
    private final Consumer<ChannelPipeline> streamHandlers;

    /**
     * @param ssl the TLS context, or null for plain TCP
     * @param remote the address connected to (a client channel), or null (accepted)
     * @param streamHandlers adds the stream's handlers after the codec
     */
    PeerChannelInitializer(SslContext ssl, InetSocketAddress remote, int maxFrameBytes,
            Consumer<ChannelPipeline> streamHandlers) {
        this.ssl = ssl;
        this.remote = remote;
        this.maxFrameBytes = maxFrameBytes;
        this.streamHandlers = streamHandlers;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            p.addLast(TLS, remote == null ? ssl.newHandler(ch.alloc())
                    : ssl.newHandler(ch.alloc(), remote.getHostString(), remote.getPort()));
        }
        addCodec(p, maxFrameBytes);
        streamHandlers.accept(p);
    }

    /** The framing and protobuf codec, as the ProtobufDecoder documentation lays it out. */
    static void addCodec(ChannelPipeline p, int maxFrameBytes) {
        p.addLast(FRAME_DECODER, new LengthFieldBasedFrameDecoder(maxFrameBytes, 0,
                LENGTH_FIELD_BYTES, 0, LENGTH_FIELD_BYTES));
        p.addLast(PROTOBUF_DECODER, DECODER);
        p.addLast(FRAME_PREPENDER, PREPENDER);
        p.addLast(PROTOBUF_ENCODER, ENCODER);
    }
}
