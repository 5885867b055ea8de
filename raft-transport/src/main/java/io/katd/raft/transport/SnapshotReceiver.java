package io.katd.raft.transport;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.proto.transport.Frame;
import io.katd.proto.transport.SnapshotAck;
import io.katd.proto.transport.SnapshotChunk;
import io.katd.proto.transport.SnapshotHeader;
import io.katd.proto.transport.SnapshotResult;
import io.katd.raft.node.SnapshotStore;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives one snapshot on an accepted snapshot stream: writes its chunks into a
 * {@link SnapshotStore.Writer}, acknowledging each once written; commits with the size
 * and CRC32C the sender announced; then hands the MsgSnap to the node and answers with
 * the result. A stream that breaks before the commit aborts its writer, so the store never
 * holds a partial snapshot.
 *
 * <p>Threading: frames arrive on the event loop, which checks them and queues the store
 * work on this stream's serial snapshot executor (file I/O never blocks the loop). When
 * {@code snapshotWindowChunks} writes are pending the loop stops reading from the socket,
 * which bounds this stream's memory whatever the sender does.
 */
final class SnapshotReceiver extends FrameHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReceiver.class);

    private final long senderId;
    private final SerialExecutor io;
    private final AtomicInteger pendingWrites = new AtomicInteger();
    // Event loop only.
    private SnapshotHeader header;
    private long receivedBytes;
    private boolean released;
    // Snapshot executor only.
    private SnapshotStore.Writer writer;
    private boolean ended;
    private long writtenBytes;
    private ByteString inline = ByteString.EMPTY;

    private SnapshotReceiver(TransportContext t, long senderId) {
        super(t);
        this.senderId = senderId;
        this.io = new SerialExecutor(t.snapshotPool);
    }

    /** A receiver for a new stream from {@code senderId}, or null when all slots are taken. */
    static SnapshotReceiver open(TransportContext t, long senderId) {
        if (t.snapshotReceives.incrementAndGet() > t.config.snapshotReceivesMax()) {
            t.snapshotReceives.decrementAndGet();
            return null;
        }
        return new SnapshotReceiver(t, senderId);
    }

    @Override
    String describe(ChannelHandlerContext ctx) {
        return "the snapshot stream from node " + senderId + " at "
                + ctx.channel().remoteAddress();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long idleMillis = t.config.snapshotIdleTimeout().toMillis();
        ctx.pipeline().addBefore(ctx.name(), "idle",
                new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!released) {
            released = true;
            t.snapshotReceives.decrementAndGet();
        }
        io.execute(this::abortIfOpen);
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            LOG.warn("node {}: {} made no progress for {} ms", t.nodeId, describe(ctx),
                    t.config.snapshotIdleTimeout().toMillis());
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        if (header == null) {
            onHeader(ctx, frame);
        } else if (frame.getBodyCase() == Frame.BodyCase.SNAPSHOT_CHUNK) {
            onChunk(ctx, frame.getSnapshotChunk());
        } else {
            violation(ctx, "unexpected " + frame.getBodyCase() + " frame");
        }
    }

    private void onHeader(ChannelHandlerContext ctx, Frame frame) {
        if (frame.getBodyCase() != Frame.BodyCase.SNAPSHOT_HEADER) {
            violation(ctx, "expected a SnapshotHeader, got " + frame.getBodyCase());
            return;
        }
        SnapshotHeader h = frame.getSnapshotHeader();
        Optional<String> invalid = checkHeader(h);
        if (invalid.isPresent()) {
            // The sender learns why, so that its failure report names the reason.
            t.counters.connectionsRejected.increment();
            t.counters.snapshotReceiveFailures.increment();
            LOG.warn("node {} refused {}: {}", t.nodeId, describe(ctx), invalid.get());
            ctx.writeAndFlush(result(false, invalid.get()))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        header = h;
        Channel ch = ctx.channel();
        io.execute(() -> create(ch, h));
        if (h.getSizeBytes() == 0) {
            io.execute(() -> commit(ch, h));
        }
    }

    private Optional<String> checkHeader(SnapshotHeader h) {
        Message m = h.getMessage();
        if (m.getType() != MessageType.MsgSnap) {
            return Optional.of("the header carries a " + m.getType() + ", not a MsgSnap");
        }
        if (m.getFrom() != senderId) {
            return Optional.of("message sender mismatch: expected " + senderId + ", got "
                    + m.getFrom());
        }
        if (m.getTo() != t.nodeId) {
            return Optional.of("message receiver mismatch: expected " + t.nodeId + ", got "
                    + m.getTo());
        }
        if (!m.getSnapshot().getData().isEmpty()) {
            return Optional.of("the header's MsgSnap carries data; data comes in chunks");
        }
        if (h.getSizeBytes() < 0) {
            return Optional.of("negative snapshot size " + h.getSizeBytes());
        }
        if (h.getInlineData() && h.getSizeBytes() > t.config.inlineSnapshotBytesMax()) {
            return Optional.of("an inline snapshot of " + h.getSizeBytes()
                    + " bytes exceeds inlineSnapshotBytesMax (" + t.config.inlineSnapshotBytesMax()
                    + ")");
        }
        return Optional.empty();
    }

    private void onChunk(ChannelHandlerContext ctx, SnapshotChunk c) {
        if (c.getOffset() != receivedBytes) {
            violation(ctx, "a chunk at offset " + c.getOffset() + ", expected " + receivedBytes);
            return;
        }
        long end = receivedBytes + c.getData().size();
        if (c.getData().isEmpty() || end > header.getSizeBytes()) {
            violation(ctx, "a chunk of " + c.getData().size() + " bytes at offset "
                    + c.getOffset() + " in a snapshot of " + header.getSizeBytes() + " bytes");
            return;
        }
        receivedBytes = end;
        Channel ch = ctx.channel();
        pendingWrites.incrementAndGet();
        updateAutoRead(ch);
        ByteString data = c.getData();
        SnapshotHeader h = header;
        io.execute(() -> write(ch, h, data, end));
        if (end == h.getSizeBytes()) {
            io.execute(() -> commit(ch, h));
        }
    }

    private void create(Channel ch, SnapshotHeader h) {
        if (ended) {
            return;
        }
        try {
            writer = t.snapshotStore.create(h.getMessage().getSnapshot().getMetadata());
        } catch (IOException | RuntimeException e) {
            failStream(ch, "cannot create the snapshot in the store: " + e);
        }
    }

    private void write(Channel ch, SnapshotHeader h, ByteString data, long end) {
        try {
            if (ended) {
                return;
            }
            writer.write(data.asReadOnlyByteBuffer());
            writtenBytes = end;
            if (h.getInlineData()) {
                inline = inline.concat(data);
            }
            Frame ack = Frame.newBuilder().setSnapshotAck(
                    SnapshotAck.newBuilder().setReceivedBytes(end)).build();
            onLoop(ch, () -> ch.writeAndFlush(ack, ch.voidPromise()));
        } catch (IOException | RuntimeException e) {
            failStream(ch, "writing to the store failed: " + e);
        } finally {
            pendingWrites.decrementAndGet();
            onLoop(ch, () -> updateAutoRead(ch));
        }
    }

    /**
     * Reads from the socket only while fewer than a window of chunks wait for the store:
     * memory stays bounded whatever the sender does. Event loop only, so that the last
     * decision always reflects the latest count.
     */
    private void updateAutoRead(Channel ch) {
        ch.config().setAutoRead(pendingWrites.get() < t.config.snapshotWindowChunks());
    }

    /** Runs {@code task} on the channel's loop, unless the transport shut it down. */
    private static void onLoop(Channel ch, Runnable task) {
        try {
            ch.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("the transport is closed; {} is not run", task);
        }
    }

    private void commit(Channel ch, SnapshotHeader h) {
        if (ended) {
            return;
        }
        try {
            writer.commit(h.getSizeBytes(), h.getCrc32C());
        } catch (IOException | RuntimeException e) {
            failStream(ch, "the store refused the snapshot: " + e.getMessage());
            return;
        }
        ended = true;
        Message m = h.getMessage();
        if (h.getInlineData()) {
            m = m.toBuilder().setSnapshot(m.getSnapshot().toBuilder().setData(inline)).build();
        }
        inline = ByteString.EMPTY;
        long index = m.getSnapshot().getMetadata().getIndex();
        boolean delivered = t.deliver(m);
        if (delivered) {
            t.counters.snapshotsReceived.increment();
            LOG.info("node {} installed the snapshot at index {} ({} bytes) from node {}",
                    t.nodeId, index, h.getSizeBytes(), senderId);
        } else {
            t.counters.snapshotReceiveFailures.increment();
            LOG.warn("node {} committed the snapshot at index {} from node {}, but the node did"
                    + " not take the MsgSnap (inbox full or stopped)", t.nodeId, index, senderId);
        }
        Frame result = result(delivered, delivered ? "" : "node " + t.nodeId
                + " did not take the MsgSnap (inbox full or stopped)");
        onLoop(ch, () -> ch.writeAndFlush(result));
    }

    /** Discards what was written and tells the sender why (snapshot executor). */
    private void failStream(Channel ch, String reason) {
        ended = true;
        if (writer != null) {
            writer.abort();
        }
        inline = ByteString.EMPTY;
        t.counters.snapshotReceiveFailures.increment();
        LOG.warn("node {}: the snapshot stream from node {} failed: {}", t.nodeId, senderId,
                reason);
        Frame result = result(false, reason);
        onLoop(ch, () -> ch.writeAndFlush(result).addListener(ChannelFutureListener.CLOSE));
    }

    /** The stream closed: a snapshot not yet committed is discarded (snapshot executor). */
    private void abortIfOpen() {
        if (ended) {
            return;
        }
        ended = true;
        if (writer != null) {
            writer.abort();
        }
        inline = ByteString.EMPTY;
        if (writer != null) {
            t.counters.snapshotReceiveFailures.increment();
            LOG.warn("node {}: the snapshot stream from node {} broke after {} bytes; the"
                    + " partial snapshot is discarded", t.nodeId, senderId, writtenBytes);
        }
    }

    private static Frame result(boolean installed, String error) {
        return Frame.newBuilder().setSnapshotResult(SnapshotResult.newBuilder()
                .setInstalled(installed).setError(error)).build();
    }
}
