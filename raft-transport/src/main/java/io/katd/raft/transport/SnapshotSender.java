package io.katd.raft.transport;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.SnapshotMetadata;
import io.katd.proto.transport.Frame;
import io.katd.proto.transport.SnapshotChunk;
import io.katd.proto.transport.SnapshotHeader;
import io.katd.proto.transport.SnapshotResult;
import io.katd.proto.transport.StreamKind;
import io.katd.raft.SnapshotStatus;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one MsgSnap on a connection of its own: a header (the message without its data),
 * then the data in chunks read from the snapshot store (or the message's inline data),
 * with at most {@code snapshotWindowChunks} chunks unacknowledged. It ends with exactly
 * one report: FINISH once the receiver says it committed and delivered the snapshot,
 * FAILURE on any error, refusal, timeout or disconnect.
 *
 * <p>Threading: the source is read on this stream's serial snapshot executor (file I/O
 * never runs on an event loop); frames arrive on the connection's event loop. The two
 * meet through atomics only.
 */
final class SnapshotSender {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSender.class);

    private final TransportContext t;
    private final Message message;
    private final long peerId;
    private final InetSocketAddress address;
    private final EventLoop loop;
    private final Runnable onDone;
    private final SerialExecutor io;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicInteger inflightChunks = new AtomicInteger();
    private final long startNanos = System.nanoTime();
    // Set once the connection exists; read by finish on any thread.
    private volatile Channel channel;
    // Set by open, before the connection exists; read on the event loop.
    private volatile Frame header;
    private volatile String origin;
    private volatile long sizeBytes;
    // Snapshot executor only.
    private SnapshotSource source;
    private long sentBytes;

    /** @param onDone called once, when the send ends either way (frees its slot) */
    SnapshotSender(TransportContext t, Message message, InetSocketAddress address,
            EventLoop loop, Runnable onDone) {
        this.t = t;
        this.message = message;
        this.peerId = message.getTo();
        this.address = address;
        this.loop = loop;
        this.onDone = onDone;
        this.io = new SerialExecutor(t.snapshotPool);
    }

    void start() {
        io.execute(this::open);
    }

    private void open() {
        if (finished.get()) {
            return;
        }
        try {
            source = SnapshotSource.open(t.snapshotStore, message.getSnapshot());
        } catch (IOException | RuntimeException e) {
            fail("cannot open it: " + e);
            return;
        }
        sizeBytes = source.sizeBytes();
        origin = source.origin();
        Message withoutData = message.toBuilder().setSnapshot(
                message.getSnapshot().toBuilder().clearData()).build();
        header = Frame.newBuilder().setSnapshotHeader(SnapshotHeader.newBuilder()
                .setMessage(withoutData).setSizeBytes(sizeBytes).setCrc32C(source.crc32c())
                .setInlineData(!message.getSnapshot().getData().isEmpty())).build();
        long idleMillis = t.config.snapshotIdleTimeout().toMillis();
        try {
            ChannelFuture f = Peer.clientBootstrap(t, loop, address, p -> {
                p.addLast("idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
                p.addLast(ClientHandshakeHandler.NAME, new ClientHandshakeHandler(t, peerId,
                        StreamKind.STREAM_KIND_SNAPSHOT, new StreamHandler(),
                        this::onEstablished, this::fail));
            }).connect(address);
            Channel ch = f.channel();
            channel = ch;
            ch.closeFuture().addListener(done -> fail("the connection closed"));
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    fail("cannot connect to " + address + ": " + done.cause());
                    ch.close();
                }
            });
            if (finished.get()) {
                ch.close();
            }
        } catch (RuntimeException e) {
            // The loop rejected the connection: the transport is closing.
            fail("cannot connect: " + e);
        }
    }

    private void onEstablished(Channel ch) {
        ch.writeAndFlush(header);
        io.execute(this::pump);
    }

    /** Sends chunks while the window has room (snapshot executor). */
    private void pump() {
        Channel ch = channel;
        int window = t.config.snapshotWindowChunks();
        while (!finished.get() && sentBytes < sizeBytes
                && inflightChunks.get() < window) {
            ByteString chunk;
            try {
                chunk = source.read(t.config.snapshotChunkBytes());
            } catch (IOException | RuntimeException e) {
                fail("reading it from " + source.origin() + " failed: " + e);
                return;
            }
            int inflight = inflightChunks.incrementAndGet();
            t.counters.recordInflightChunks(inflight, chunk.size());
            Frame f = Frame.newBuilder().setSnapshotChunk(SnapshotChunk.newBuilder()
                    .setOffset(sentBytes).setData(chunk)).build();
            try {
                ch.eventLoop().execute(() -> ch.writeAndFlush(f, ch.voidPromise()));
            } catch (RejectedExecutionException e) {
                fail("the transport is closing");
                return;
            }
            sentBytes += chunk.size();
        }
    }

    private void onAck(ChannelHandlerContext ctx, StreamHandler h) {
        if (inflightChunks.getAndUpdate(n -> n > 0 ? n - 1 : n) == 0) {
            h.violation(ctx, "an ack without a chunk in flight");
            return;
        }
        io.execute(this::pump);
    }

    private void onResult(SnapshotResult r) {
        if (!r.getInstalled()) {
            fail("node " + peerId + " did not install it: " + r.getError());
            return;
        }
        if (finish(SnapshotStatus.FINISH)) {
            SnapshotMetadata md = message.getSnapshot().getMetadata();
            LOG.info("node {} sent the snapshot at index {} (term {}, {} bytes from {}) to node"
                    + " {} in {} ms", t.nodeId, md.getIndex(), md.getTerm(), sizeBytes, origin,
                    peerId, (System.nanoTime() - startNanos) / 1_000_000);
        }
    }

    private void fail(String reason) {
        if (finish(SnapshotStatus.FAILURE)) {
            SnapshotMetadata md = message.getSnapshot().getMetadata();
            LOG.warn("node {} failed to send the snapshot at index {} (term {}) to node {}: {}",
                    t.nodeId, md.getIndex(), md.getTerm(), peerId, reason);
        }
    }

    /** Ends the send with its one report; false when it had ended already. */
    private boolean finish(SnapshotStatus status) {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        if (status == SnapshotStatus.FINISH) {
            t.counters.snapshotsSent.increment();
        } else {
            t.counters.snapshotSendFailures.increment();
        }
        t.reportSnapshot(peerId, status);
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
        io.execute(this::closeSource);
        onDone.run();
        return true;
    }

    private void closeSource() {
        if (source == null) {
            return;
        }
        try {
            source.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("node {}: closing a snapshot reader failed", t.nodeId, e);
        }
        source = null;
    }

    /** The snapshot stream after its handshake: acks, then the result. */
    private final class StreamHandler extends FrameHandler {
        StreamHandler() {
            super(SnapshotSender.this.t);
        }

        @Override
        String describe(ChannelHandlerContext ctx) {
            return "the snapshot stream to node " + peerId + " at " + ctx.channel().remoteAddress();
        }

        @Override
        void onViolation(ChannelHandlerContext ctx, String reason) {
            fail(reason);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            switch (frame.getBodyCase()) {
                case SNAPSHOT_ACK -> onAck(ctx, this);
                case SNAPSHOT_RESULT -> onResult(frame.getSnapshotResult());
                default -> violation(ctx, "unexpected " + frame.getBodyCase() + " frame");
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                fail("no answer for " + t.config.snapshotIdleTimeout().toMillis() + " ms");
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }
    }
}
