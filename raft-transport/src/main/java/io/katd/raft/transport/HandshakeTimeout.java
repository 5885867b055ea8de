package io.katd.raft.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The deadline of one connection's handshake; armed when the channel becomes active,
 * cancelled when the handshake completes or the channel closes. Event loop only.
 */
final class HandshakeTimeout {
    private ScheduledFuture<?> deadline;
    private boolean done;

    void arm(ChannelHandlerContext ctx, long timeoutMillis, Runnable onExpiry) {
        if (deadline != null || done) {
            return;
        }
        deadline = ctx.executor().schedule(() -> {
            if (!done) {
                done = true;
                onExpiry.run();
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    void cancel() {
        done = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
    }
}
