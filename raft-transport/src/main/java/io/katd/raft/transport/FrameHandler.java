package io.katd.raft.transport;

import io.katd.proto.transport.Frame;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base of every stream handler: decoded frames in, and one policy for what goes
 * wrong on a connection. A protocol violation (handshake mismatch, malformed, oversize or
 * unexpected frame) closes that connection, and only it, with a logged reason; a failed
 * TLS handshake is counted and logged; a plain I/O error (reset, refused) just closes.
 * Handlers run on the channel's event loop and never block.
 */
abstract class FrameHandler extends SimpleChannelInboundHandler<Frame> {
    private static final Logger LOG = LoggerFactory.getLogger(FrameHandler.class);

    final TransportContext t;
    // Event loop only: a TLS failure shows as an event and then as an exception.
    private boolean tlsFailureSeen;

    FrameHandler(TransportContext t) {
        super(Frame.class);
        this.t = t;
    }

    /** The connection, for log lines: who is at the other end. */
    String describe(ChannelHandlerContext ctx) {
        SocketAddress remote = ctx.channel().remoteAddress();
        return "the connection with " + remote;
    }

    /** Closes the connection for a protocol violation. */
    final void violation(ChannelHandlerContext ctx, String reason) {
        t.counters.connectionsRejected.increment();
        LOG.warn("node {} closed {}: {}", t.nodeId, describe(ctx), reason);
        onViolation(ctx, reason);
        ctx.close();
    }

    /** Tells the peer why it is refused, then closes the connection. */
    final void refuse(ChannelHandlerContext ctx, String reason) {
        t.counters.connectionsRejected.increment();
        LOG.warn("node {} refused {}: {}", t.nodeId, describe(ctx), reason);
        onViolation(ctx, reason);
        ctx.writeAndFlush(Handshake.reject(reason)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Hook for streams that must report their own failure before the close. */
    void onViolation(ChannelHandlerContext ctx, String reason) {}

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
            if (e.cause() instanceof ClosedChannelException) {
                // The peer went away mid-handshake: a lost connection, not a refusal.
                LOG.debug("node {}: {} closed during the TLS handshake", t.nodeId,
                        describe(ctx));
            } else {
                tlsFailed(ctx, e.cause());
            }
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!ctx.channel().isOpen()) {
            // Already closed for an earlier reason; what follows is its echo.
            return;
        }
        SSLException tls = find(cause, SSLException.class);
        if (tls != null) {
            tlsFailed(ctx, tls);
            ctx.close();
        } else if (cause instanceof TooLongFrameException) {
            violation(ctx, "frame longer than maxFrameBytes (" + t.config.maxFrameBytes()
                    + "): " + cause.getMessage());
        } else if (cause instanceof DecoderException) {
            Throwable root = cause.getCause() != null ? cause.getCause() : cause;
            violation(ctx, "undecodable frame: " + root);
        } else if (cause instanceof IOException) {
            LOG.debug("node {}: {} failed: {}", t.nodeId, describe(ctx), cause.toString());
            onViolation(ctx, cause.toString());
            ctx.close();
        } else {
            LOG.warn("node {}: closing {} after an unexpected error", t.nodeId, describe(ctx),
                    cause);
            onViolation(ctx, cause.toString());
            ctx.close();
        }
    }

    private void tlsFailed(ChannelHandlerContext ctx, Throwable cause) {
        if (tlsFailureSeen) {
            return;
        }
        tlsFailureSeen = true;
        t.counters.tlsHandshakeFailures.increment();
        LOG.warn("node {}: TLS failed on {}: {}", t.nodeId, describe(ctx), String.valueOf(cause));
        onViolation(ctx, "TLS failed: " + cause);
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
