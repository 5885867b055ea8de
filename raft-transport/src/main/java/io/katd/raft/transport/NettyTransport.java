package io.katd.raft.transport;

import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.raft.SnapshotStatus;
import io.katd.raft.node.SnapshotStore;
import io.katd.raft.node.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer transport over TCP (Netty): length-prefixed protobuf frames, a handshake on
 * every connection, one outgoing connection per peer with a bounded queue and reconnects
 * with backoff, snapshots streamed in chunks on connections of their own, optional mutual
 * TLS. See {@code katd/transport.proto} for the frames and the package documentation for
 * the threading.
 *
 * <p>Lifecycle: construct, optionally {@link #bind} (to learn a port chosen by the
 * system before the peers are known), set the peers, {@link #start} (the node does),
 * {@link #close}. Peers can change at any time (membership changes).
 */
public final class NettyTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(NettyTransport.class);

    private final TransportContext t;
    private final NioEventLoopGroup group;
    private final Map<Long, Peer> peers = new ConcurrentHashMap<>();
    // Serializes bind, start, peer changes and close: rare calls from control threads.
    // The raft thread and the event loops never take it.
    private final Object lock = new Object();
    // Guarded by lock.
    private Channel serverChannel;
    private boolean started;
    // Written under lock; read by the raft thread in send.
    private volatile boolean closed;
    private volatile InetSocketAddress localAddress;

    /**
     * A transport for {@code config.nodeId()}, streaming snapshots out of and into
     * {@code snapshotStore}. Nothing listens or connects until {@link #bind} or
     * {@link #start}.
     *
     * @throws IllegalArgumentException when the TLS files cannot be loaded
     */
    public NettyTransport(NettyTransportConfig config, SnapshotStore snapshotStore) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(snapshotStore, "snapshotStore");
        SslContext serverSsl = config.tls().map(TlsContexts::server).orElse(null);
        SslContext clientSsl = config.tls().map(TlsContexts::client).orElse(null);
        this.t = new TransportContext(config, snapshotStore, snapshotPool(config), serverSsl,
                clientSsl);
        this.group = new NioEventLoopGroup(config.ioThreads(),
                new DefaultThreadFactory("katd-transport-" + config.nodeId(), true));
    }

    private static ExecutorService snapshotPool(NettyTransportConfig config) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(config.snapshotThreads(),
                config.snapshotThreads(), 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("katd-snapshot-" + config.nodeId(), true));
        // Snapshots are rare: their threads exit when idle.
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Listens on the configured address, if not yet listening, and returns the address
     * bound (with the port the system chose for port 0).
     *
     * @throws IllegalStateException when closed or the address cannot be bound
     */
    public InetSocketAddress bind() {
        synchronized (lock) {
            checkOpen();
            if (serverChannel != null) {
                return localAddress;
            }
            NettyTransportConfig c = t.config;
            ChannelFuture f = new ServerBootstrap().group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                            c.writeBufferLowBytes(), c.writeBufferHighBytes()))
                    .childHandler(new PeerChannelInitializer(t.serverSsl, null, c.maxFrameBytes(),
                            p -> p.addLast(ServerHandshakeHandler.NAME,
                                    new ServerHandshakeHandler(t))))
                    .bind(c.listenAddress()).awaitUninterruptibly();
            if (!f.isSuccess()) {
                throw new IllegalStateException("node " + t.nodeId + " cannot listen on "
                        + c.listenAddress() + ": " + f.cause(), f.cause());
            }
            serverChannel = f.channel();
            localAddress = (InetSocketAddress) serverChannel.localAddress();
            LOG.info("node {} listens for peers on {}{}", t.nodeId, localAddress,
                    t.serverSsl != null ? " (mutual TLS)" : "");
            return localAddress;
        }
    }

    /** The address this transport listens on; only once bound. */
    public InetSocketAddress localAddress() {
        InetSocketAddress a = localAddress;
        if (a == null) {
            throw new IllegalStateException("node " + t.nodeId + "'s transport is not bound");
        }
        return a;
    }

    @Override
    public void start(Inbound inbound) {
        Objects.requireNonNull(inbound, "inbound");
        synchronized (lock) {
            checkOpen();
            if (started) {
                throw new IllegalStateException("node " + t.nodeId
                        + "'s transport already started");
            }
            bind();
            t.open(inbound);
            started = true;
            for (Peer p : peers.values()) {
                p.start();
            }
        }
    }

    /**
     * Sets the address of every peer: peers not in {@code addresses} are dropped, new ones
     * added, and a peer whose address changed is reconnected. Any thread.
     */
    public void setPeers(Map<Long, InetSocketAddress> addresses) {
        Map<Long, InetSocketAddress> wanted = new TreeMap<>(addresses);
        synchronized (lock) {
            for (Long id : List.copyOf(peers.keySet())) {
                if (!wanted.containsKey(id)) {
                    removePeer(id);
                }
            }
            wanted.forEach(this::putPeer);
        }
    }

    /** Adds peer {@code id} at {@code address}, or moves it there. Any thread. */
    public void putPeer(long id, InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (id <= 0 || id == t.nodeId) {
            throw new IllegalArgumentException("invalid peer id " + id + " for node " + t.nodeId);
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            Peer old = peers.get(id);
            if (old != null && old.address.equals(address)) {
                return;
            }
            Peer p = new Peer(t, id, address, group.next(), t.config.random().nextLong());
            peers.put(id, p);
            if (old != null) {
                old.close();
            }
            if (started) {
                p.start();
            }
        }
    }

    /** Forgets peer {@code id}: messages to it are dropped from now on. Any thread. */
    public void removePeer(long id) {
        synchronized (lock) {
            Peer p = peers.remove(id);
            if (p != null) {
                p.close();
            }
        }
    }

    /** The peers and their addresses. */
    public Map<Long, InetSocketAddress> peers() {
        Map<Long, InetSocketAddress> m = new TreeMap<>();
        peers.forEach((id, p) -> m.put(id, p.address));
        return m;
    }

    /** Adds a listener of every round trip measured to any peer. Any thread. */
    public void addRoundTripListener(RoundTripListener listener) {
        t.roundTripListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The last round trip measured to each connected peer, in nanoseconds. */
    public Map<Long, Long> lastRoundTrips() {
        Map<Long, Long> m = new TreeMap<>();
        peers.forEach((id, p) -> {
            long rtt = p.lastRoundTripNanos();
            if (rtt >= 0) {
                m.put(id, rtt);
            }
        });
        return m;
    }

    public TransportStats stats() {
        return t.counters.snapshot();
    }

    Counters counters() {
        return t.counters;
    }

    @Override
    public void send(List<Message> messages) {
        if (closed) {
            return;
        }
        List<Peer> touched = new ArrayList<>(4);
        List<Long> unreachable = null;
        for (Message m : messages) {
            if (m.getType() == MessageType.MsgSnap) {
                sendSnapshot(m);
                continue;
            }
            Peer p = peers.get(m.getTo());
            if (p != null && p.offer(m)) {
                if (!touched.contains(p)) {
                    touched.add(p);
                }
                continue;
            }
            t.counters.messagesDropped.increment();
            if (unreachable == null) {
                unreachable = new ArrayList<>(4);
            }
            if (!unreachable.contains(m.getTo())) {
                unreachable.add(m.getTo());
            }
        }
        for (Peer p : touched) {
            p.flush();
        }
        if (unreachable != null) {
            for (long id : unreachable) {
                t.reportUnreachable(id);
            }
        }
    }

    private void sendSnapshot(Message m) {
        long to = m.getTo();
        Peer p = peers.get(to);
        if (p == null) {
            failSnapshot(to, "node " + to + " is not a known peer");
            return;
        }
        if (t.snapshotSends.incrementAndGet() > t.config.snapshotSendsMax()) {
            t.snapshotSends.decrementAndGet();
            failSnapshot(to, "too many snapshot streams in progress (at most "
                    + t.config.snapshotSendsMax() + ")");
            return;
        }
        new SnapshotSender(t, m, p.address, group.next(),
                t.snapshotSends::decrementAndGet).start();
    }

    private void failSnapshot(long to, String reason) {
        LOG.warn("node {} cannot send a snapshot to node {}: {}", t.nodeId, to, reason);
        t.counters.snapshotSendFailures.increment();
        t.reportSnapshot(to, SnapshotStatus.FAILURE);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("node " + t.nodeId + "'s transport is closed");
        }
    }

    /**
     * Closes every connection and stops the transport's threads, waiting a bounded time
     * for them (unless called on one of them). Snapshots being received are aborted.
     */
    @Override
    public void close() {
        Channel server;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            t.close();
            for (Peer p : peers.values()) {
                p.close();
            }
            peers.clear();
            server = serverChannel;
        }
        boolean onOwnThread = onEventLoop();
        if (server != null) {
            server.close();
        }
        io.netty.util.concurrent.Future<?> stopped = group.shutdownGracefully(0, 2,
                TimeUnit.SECONDS);
        if (!onOwnThread) {
            stopped.awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        // After the event loops: their last act is to queue the aborts of open snapshots.
        t.snapshotPool.shutdown();
        if (!onOwnThread) {
            awaitSnapshotThreads();
        }
        LOG.info("node {} closed its transport", t.nodeId);
    }

    private boolean onEventLoop() {
        for (EventExecutor e : group) {
            if (e.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    private void awaitSnapshotThreads() {
        try {
            if (!t.snapshotPool.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("node {}: snapshot file work still running 10 s after close",
                        t.nodeId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
