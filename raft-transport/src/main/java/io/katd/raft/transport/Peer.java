package io.katd.raft.transport;

import io.katd.proto.raft.Message;
import io.katd.proto.transport.Frame;
import io.katd.proto.transport.Frame.BodyCase;
import io.katd.proto.transport.Probe;
import io.katd.proto.transport.StreamKind;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outgoing Raft stream to one peer: a bounded queue the raft thread fills, and one
 * connection, kept open by reconnecting with backoff, that the peer's event loop drains
 * into (one flush per drain, so one per {@code send} batch).
 *
 * <p>Threading: {@link #offer} and {@link #flush} run on the raft thread; everything
 * else (connecting, draining, closing) on {@link #loop}, the one event loop of this peer's
 * connections, so the connection state needs no lock. The queue is thread-safe.
 */
final class Peer {
    private static final Logger LOG = LoggerFactory.getLogger(Peer.class);

    final long id;
    final InetSocketAddress address;
    private final TransportContext t;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    // Filled by the raft thread, drained by the loop. Its internal lock is held for one
    // offer or poll at a time, never across I/O, so neither side waits on the other's work.
    private final ArrayBlockingQueue<Message> queue;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    // The serialized size of the queued messages: the queue is bounded in bytes too, so
    // large appends to a slow peer cannot fill the heap.
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Backoff backoff;
    // The connection once its handshake succeeded; null while connecting or down.
    // Written on the loop, read by the raft thread.
    private volatile Channel established;
    // Set once by close; the loop stops reconnecting.
    private volatile boolean closed;
    // Loop only: the connection being attempted or established.
    private Channel current;
    private boolean wasConnected;
    // The last round trip measured on this peer's stream, -1 before the first.
    private volatile long lastRoundTripNanos = -1;
    // Loop only: when the established stream was last heard from (established, or a pong).
    private long lastAnswerNanos;

    Peer(TransportContext t, long id, InetSocketAddress address, EventLoop loop, long seed) {
        this.t = t;
        this.id = id;
        this.address = address;
        this.loop = loop;
        this.queue = new ArrayBlockingQueue<>(t.config.outboundQueueMessages());
        this.backoff = new Backoff(t.config.reconnectBackoffMin().toMillis(),
                t.config.reconnectBackoffMax().toMillis(), new SplittableRandom(seed));
        this.bootstrap = clientBootstrap(t, loop, address, p -> p.addLast(
                ClientHandshakeHandler.NAME, new ClientHandshakeHandler(t, id,
                        StreamKind.STREAM_KIND_RAFT, new OutgoingStreamHandler(t, id,
                                this::onRoundTrip),
                        this::onEstablished, reason -> { })));
    }

    /** A client bootstrap for connections to {@code address} on {@code loop}. */
    static Bootstrap clientBootstrap(TransportContext t, EventLoop loop,
            InetSocketAddress address,
            Consumer<ChannelPipeline> streamHandlers) {
        NettyTransportConfig c = t.config;
        return new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) c.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        c.writeBufferLowBytes(), c.writeBufferHighBytes()))
                .handler(new PeerChannelInitializer(t.clientSsl, address, c.maxFrameBytes(),
                        streamHandlers));
    }

    void start() {
        execute(this::connect);
    }

    /** Runs {@code task} on the loop, unless the transport shut the loop down. */
    private void execute(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("node {}: the transport is closed; a task for node {} is dropped",
                    t.nodeId, id);
        }
    }

    /**
     * Queues {@code m} (raft thread). False when it must be dropped: the queue is full (in
     * messages or bytes), or the connection is up but not writable (the peer does not keep
     * up).
     */
    boolean offer(Message m) {
        Channel ch = established;
        if (ch != null && !ch.isWritable()) {
            return false;
        }
        // Only the raft thread adds, so the check and the add cannot race each other.
        long size = m.getSerializedSize();
        if (queuedBytes.get() + size > t.config.outboundQueueBytes()) {
            return false;
        }
        if (!queue.offer(m)) {
            return false;
        }
        queuedBytes.addAndGet(size);
        return true;
    }

    /** The next queued message, or null (loop). */
    private Message poll() {
        Message m = queue.poll();
        if (m != null) {
            queuedBytes.addAndGet(-m.getSerializedSize());
        }
        return m;
    }

    /** Has the loop write what is queued and flush once (raft thread, after a batch). */
    void flush() {
        Channel ch = established;
        if (ch != null && drainScheduled.compareAndSet(false, true)) {
            execute(() -> drain(ch));
        }
    }

    private void drain(Channel ch) {
        drainScheduled.set(false);
        if (established != ch) {
            return;
        }
        int budget = t.config.outboundQueueMessages();
        int written = 0;
        int dropped = 0;
        Message m;
        while (budget-- > 0 && (m = poll()) != null) {
            Frame f = Frame.newBuilder().setRaft(m).build();
            int frameBytes = f.getSerializedSize() + PeerChannelInitializer.LENGTH_FIELD_BYTES;
            if (frameBytes > t.config.maxFrameBytes()) {
                LOG.warn("node {} dropped a {} to node {}: {} bytes exceed maxFrameBytes ({})",
                        t.nodeId, m.getType(), id, frameBytes, t.config.maxFrameBytes());
                dropped++;
            } else if (!ch.isWritable()) {
                dropped++;
            } else {
                ch.write(f, ch.voidPromise());
                written++;
            }
        }
        if (written > 0) {
            ch.flush();
            t.counters.messagesSent.add(written);
        }
        if (dropped > 0) {
            t.counters.messagesDropped.add(dropped);
            t.reportUnreachable(id);
        }
        if (!queue.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            execute(() -> drain(ch));
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        ChannelFuture f = bootstrap.connect(address);
        Channel ch = f.channel();
        current = ch;
        ch.closeFuture().addListener(done -> onClosed(ch));
        f.addListener(done -> {
            if (!done.isSuccess()) {
                LOG.debug("node {} cannot connect to node {} at {}: {}", t.nodeId, id, address,
                        String.valueOf(done.cause()));
                ch.close();
            }
        });
    }

    private void onEstablished(Channel ch) {
        if (closed || ch != current) {
            ch.close();
            return;
        }
        backoff.reset();
        wasConnected = true;
        established = ch;
        t.counters.connectionsEstablished.increment();
        LOG.info("node {} connected to node {} at {}", t.nodeId, id, address);
        lastAnswerNanos = System.nanoTime();
        long every = t.config.probeInterval().toNanos();
        ScheduledFuture<?> probes = loop.scheduleAtFixedRate(() -> probe(ch), 0, every,
                TimeUnit.NANOSECONDS);
        ch.closeFuture().addListener(done -> probes.cancel(false));
        if (!queue.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            drain(ch);
        }
    }

    /**
     * Writes a round-trip probe on the established stream, or closes the stream when its
     * probes have gone unanswered for the probe timeout (loop). A half-open connection
     * (the peer vanished, or something between stopped passing bytes, without a close
     * reaching this side) shows no error on the socket; the silence is the only sign, and
     * without this the stream would stay dead and never be reconnected.
     */
    private void probe(Channel ch) {
        if (established != ch) {
            return;
        }
        long silentNanos = System.nanoTime() - lastAnswerNanos;
        if (silentNanos > t.config.probeTimeout().toNanos()) {
            LOG.warn("node {} closes its raft stream to node {} at {}: no answer to its"
                    + " round-trip probes for {} ms (half-open connection?); reconnecting",
                    t.nodeId, id, address, TimeUnit.NANOSECONDS.toMillis(silentNanos));
            ch.close();
            return;
        }
        if (ch.isWritable()) {
            ch.writeAndFlush(Frame.newBuilder().setPing(Probe.newBuilder()
                    .setSentNanos(System.nanoTime())).build(), ch.voidPromise());
        }
    }

    /** The peer answered a probe sent at {@code sentNanos} (loop). */
    private void onRoundTrip(long sentNanos) {
        lastAnswerNanos = System.nanoTime();
        long rtt = System.nanoTime() - sentNanos;
        if (rtt < 0) {
            return;
        }
        lastRoundTripNanos = rtt;
        for (RoundTripListener l : t.roundTripListeners) {
            l.onRoundTrip(id, rtt);
        }
    }

    /** The last measured round trip, or -1 if none was measured yet. */
    long lastRoundTripNanos() {
        return lastRoundTripNanos;
    }

    private void onClosed(Channel ch) {
        if (ch != current) {
            return;
        }
        current = null;
        if (established == ch) {
            established = null;
            LOG.info("node {} lost its connection to node {} at {}", t.nodeId, id, address);
        }
        // Queued messages are stale by the time a new connection is up; Raft resends.
        int discarded = 0;
        while (poll() != null) {
            discarded++;
        }
        if (discarded > 0) {
            t.counters.messagesDropped.add(discarded);
            t.reportUnreachable(id);
        }
        if (closed) {
            return;
        }
        long delayMillis = backoff.nextDelayMillis();
        if (wasConnected) {
            wasConnected = false;
            LOG.debug("node {} reconnects to node {} in {} ms", t.nodeId, id, delayMillis);
        }
        loop.schedule(this::connect, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Stops reconnecting and closes the connection (any thread). */
    void close() {
        closed = true;
        execute(() -> {
            if (current != null) {
                current.close();
            }
        });
    }

    /**
     * The outgoing stream carries nothing back but answers to this side's probes: any
     * other frame from the peer is a violation.
     */
    private static final class OutgoingStreamHandler extends FrameHandler {
        private final long peerId;
        private final LongConsumer onPong;

        OutgoingStreamHandler(TransportContext t, long peerId,
                LongConsumer onPong) {
            super(t);
            this.peerId = peerId;
            this.onPong = onPong;
        }

        @Override
        String describe(ChannelHandlerContext ctx) {
            return "the raft stream to node " + peerId + " at " + ctx.channel().remoteAddress();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            BodyCase c = frame.getBodyCase();
            if (c == BodyCase.PONG) {
                onPong.accept(frame.getPong().getSentNanos());
                return;
            }
            violation(ctx, "unexpected " + c + " frame on an outgoing raft stream");
        }
    }
}
