package io.katd.raft.transport;

import io.katd.proto.transport.Frame;
import io.katd.proto.transport.Hello;
import io.katd.proto.transport.StreamKind;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import java.util.Optional;

/**
 * The first handler of an accepted connection: it admits nothing but a valid Hello,
 * answers it with a HelloAck, and then hands the connection to the stream the Hello
 * asked for. Any other first frame, a mismatched Hello, or none within the handshake
 * timeout closes the connection.
 */
final class ServerHandshakeHandler extends FrameHandler {
    static final String NAME = "serverHandshake";
    static final String STREAM = "stream";

    private final HandshakeTimeout timeout = new HandshakeTimeout();
    // The node the peer claims to be, once it said; for log lines.
    private long claimedSender;

    ServerHandshakeHandler(TransportContext t) {
        super(t);
    }

    @Override
    String describe(ChannelHandlerContext ctx) {
        String who = claimedSender == 0 ? "" : " (claims to be node " + claimedSender + ")";
        return "a connection from " + ctx.channel().remoteAddress() + who;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            armTimeout(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        armTimeout(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        timeout.cancel();
        super.channelInactive(ctx);
    }

    private void armTimeout(ChannelHandlerContext ctx) {
        long millis = t.config.handshakeTimeout().toMillis();
        timeout.arm(ctx, millis, () -> violation(ctx, "no handshake within " + millis + " ms"));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        if (frame.getBodyCase() != Frame.BodyCase.HELLO) {
            violation(ctx, "expected a Hello as the first frame, got " + frame.getBodyCase());
            return;
        }
        Hello hello = frame.getHello();
        claimedSender = hello.getSenderId();
        Optional<String> mismatch = Handshake.checkHello(hello, t.clusterId, t.nodeId);
        if (mismatch.isPresent()) {
            timeout.cancel();
            refuse(ctx, mismatch.get());
            return;
        }
        ChannelHandler stream;
        if (hello.getKind() == StreamKind.STREAM_KIND_RAFT) {
            stream = new RaftInboundHandler(t, hello.getSenderId());
        } else {
            stream = SnapshotReceiver.open(t, hello.getSenderId());
            if (stream == null) {
                timeout.cancel();
                refuse(ctx, "too many snapshot streams (at most "
                        + t.config.snapshotReceivesMax() + ")");
                return;
            }
        }
        timeout.cancel();
        ctx.writeAndFlush(Handshake.ack(t.clusterId, t.nodeId));
        ctx.pipeline().replace(this, STREAM, stream);
    }
}
