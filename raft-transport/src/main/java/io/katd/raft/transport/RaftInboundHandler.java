package io.katd.raft.transport;

import io.katd.proto.raft.Message;
import io.katd.proto.transport.Frame;
import io.netty.channel.ChannelHandlerContext;
import java.util.Optional;

/**
 * An accepted Raft stream after its handshake: each frame carries one Raft message from
 * the node that opened the stream, handed to the node without blocking (a full inbox
 * drops it; Raft retransmits), or a round-trip probe, answered at once.
 */
final class RaftInboundHandler extends FrameHandler {
    private final long senderId;

    RaftInboundHandler(TransportContext t, long senderId) {
        super(t);
        this.senderId = senderId;
    }

    @Override
    String describe(ChannelHandlerContext ctx) {
        return "the raft stream from node " + senderId + " at " + ctx.channel().remoteAddress();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        if (frame.getBodyCase() == Frame.BodyCase.PING) {
            ctx.writeAndFlush(Frame.newBuilder().setPong(frame.getPing()).build(),
                    ctx.voidPromise());
            return;
        }
        if (frame.getBodyCase() != Frame.BodyCase.RAFT) {
            violation(ctx, "unexpected " + frame.getBodyCase() + " frame");
            return;
        }
        Message m = frame.getRaft();
        Optional<String> invalid = Handshake.checkRaftMessage(m, senderId, t.nodeId);
        if (invalid.isPresent()) {
            violation(ctx, invalid.get());
            return;
        }
        if (t.deliver(m)) {
            t.counters.messagesReceived.increment();
        }
    }
}
