package io.katd.raft.transport;

import io.katd.proto.raft.Message;
import io.katd.raft.SnapshotStatus;
import io.katd.raft.node.SnapshotStore;
import io.katd.raft.node.Transport;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every handler and stream of one transport shares: its settings, counters,
 * snapshot store and file threads, TLS contexts, and the gate to the node's
 * {@link Transport.Inbound}, which stays shut before start and after close.
 */
final class TransportContext {
    final NettyTransportConfig config;
    final long nodeId;
    final String clusterId;
    final Counters counters = new Counters();
    final List<RoundTripListener> roundTripListeners = new CopyOnWriteArrayList<>();
    final SnapshotStore snapshotStore;
    // Runs snapshot file I/O (through one SerialExecutor per stream): never an event loop.
    final ExecutorService snapshotPool;
    // Null without TLS.
    final SslContext serverSsl;
    final SslContext clientSsl;
    // Snapshot streams in progress each way, bounded by the config.
    final AtomicInteger snapshotSends = new AtomicInteger();
    final AtomicInteger snapshotReceives = new AtomicInteger();
    // Set by start, read by event loops and snapshot threads.
    private volatile Transport.Inbound inbound;
    // Set by close; once set, no new call reaches the Inbound.
    private volatile boolean closed;

    TransportContext(NettyTransportConfig config, SnapshotStore snapshotStore,
            ExecutorService snapshotPool, SslContext serverSsl, SslContext clientSsl) {
        this.config = config;
        this.nodeId = config.nodeId();
        this.clusterId = config.clusterId();
        this.snapshotStore = snapshotStore;
        this.snapshotPool = snapshotPool;
        this.serverSsl = serverSsl;
        this.clientSsl = clientSsl;
    }

    void open(Transport.Inbound in) {
        inbound = in;
    }

    void close() {
        closed = true;
        inbound = null;
    }

    boolean isClosed() {
        return closed;
    }

    /** Hands a received message to the node; false when it was dropped. */
    boolean deliver(Message m) {
        Transport.Inbound in = inbound;
        if (closed || in == null) {
            return false;
        }
        return in.receive(m);
    }

    void reportUnreachable(long peerId) {
        Transport.Inbound in = inbound;
        if (!closed && in != null) {
            in.reportUnreachable(peerId);
        }
    }

    void reportSnapshot(long peerId, SnapshotStatus status) {
        Transport.Inbound in = inbound;
        if (!closed && in != null) {
            in.reportSnapshot(peerId, status);
        }
    }
}
