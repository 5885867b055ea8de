package io.katd.raft.transport;

import io.katd.proto.transport.Frame;
import io.katd.proto.transport.StreamKind;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a connection this node opened: it sends Hello, and accepts only a
 * HelloAck from the node it meant to reach; then it hands the connection to the stream's
 * handler and tells the stream's owner. A Reject is logged with the peer's reason.
 */
final class ClientHandshakeHandler extends FrameHandler {
    static final String NAME = "clientHandshake";
    static final String STREAM = "stream";
    private static final Logger LOG = LoggerFactory.getLogger(ClientHandshakeHandler.class);

    private final long peerId;
    private final StreamKind kind;
    private final ChannelHandler stream;
    private final Consumer<Channel> onEstablished;
    private final Consumer<String> onFailure;
    private final HandshakeTimeout timeout = new HandshakeTimeout();

    /**
     * @param stream replaces this handler once the handshake succeeds
     * @param onEstablished called on the event loop after that
     * @param onFailure called on the event loop with the reason when the handshake fails
     */
    ClientHandshakeHandler(TransportContext t, long peerId, StreamKind kind,
            ChannelHandler stream, Consumer<Channel> onEstablished, Consumer<String> onFailure) {
        super(t);
        this.peerId = peerId;
        this.kind = kind;
        this.stream = stream;
        this.onEstablished = onEstablished;
        this.onFailure = onFailure;
    }

    @Override
    String describe(ChannelHandlerContext ctx) {
        return "the connection to node " + peerId + " at " + ctx.channel().remoteAddress();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        long millis = t.config.handshakeTimeout().toMillis();
        timeout.arm(ctx, millis, () -> violation(ctx, "no HelloAck within " + millis + " ms"));
        ctx.writeAndFlush(Handshake.hello(t.clusterId, t.nodeId, peerId, kind));
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        timeout.cancel();
        super.channelInactive(ctx);
    }

    @Override
    void onViolation(ChannelHandlerContext ctx, String reason) {
        onFailure.accept(reason);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        switch (frame.getBodyCase()) {
            case HELLO_ACK -> {
                Optional<String> mismatch = Handshake.checkAck(frame.getHelloAck(), t.clusterId,
                        peerId);
                if (mismatch.isPresent()) {
                    violation(ctx, mismatch.get());
                    return;
                }
                timeout.cancel();
                ctx.pipeline().replace(this, STREAM, stream);
                onEstablished.accept(ctx.channel());
            }
            case REJECT -> {
                timeout.cancel();
                t.counters.connectionsRejected.increment();
                String reason = frame.getReject().getReason();
                LOG.warn("node {} was refused by node {} at {}: {}", t.nodeId, peerId,
                        ctx.channel().remoteAddress(), reason);
                onFailure.accept("refused: " + reason);
                ctx.close();
            }
            default -> violation(ctx, "expected a HelloAck, got " + frame.getBodyCase());
        }
    }
}
