package io.katd.raft.transport;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The settings of one node's {@link NettyTransport}; validated on construction, so an
 * invalid configuration cannot exist. Build one with {@link #builder}.
 */
public final class NettyTransportConfig {
    /** Bytes a frame needs beyond a snapshot chunk's data (frame and chunk headers). */
    static final int CHUNK_OVERHEAD_BYTES = 64;

    private final long nodeId;
    private final String clusterId;
    private final InetSocketAddress listenAddress;
    private final int maxFrameBytes;
    private final int outboundQueueMessages;
    private final long outboundQueueBytes;
    private final int writeBufferLowBytes;
    private final int writeBufferHighBytes;
    private final Duration connectTimeout;
    private final Duration handshakeTimeout;
    private final Duration reconnectBackoffMin;
    private final Duration reconnectBackoffMax;
    private final int snapshotChunkBytes;
    private final int snapshotWindowChunks;
    private final Duration snapshotIdleTimeout;
    private final Duration probeInterval;
    private final Duration probeTimeout;
    private final long inlineSnapshotBytesMax;
    private final int snapshotSendsMax;
    private final int snapshotReceivesMax;
    private final int ioThreads;
    private final int snapshotThreads;
    private final Tls tls;
    private final RandomGenerator random;

    /**
     * PEM files for mutual TLS: this node's certificate chain, its private key (PKCS#8,
     * unencrypted) and the CA certificates that sign every peer's certificate. A peer is
     * trusted when its certificate chains to the CA; which node it is comes from the
     * handshake that follows, so host names are not checked.
     */
    public record Tls(Path certChain, Path privateKey, Path trustedCa) {
        public Tls {
            Objects.requireNonNull(certChain, "certChain");
            Objects.requireNonNull(privateKey, "privateKey");
            Objects.requireNonNull(trustedCa, "trustedCa");
        }
    }

    private NettyTransportConfig(Builder b) {
        this.nodeId = b.nodeId;
        this.clusterId = b.clusterId;
        this.listenAddress = b.listenAddress;
        this.maxFrameBytes = b.maxFrameBytes;
        this.outboundQueueMessages = b.outboundQueueMessages;
        this.outboundQueueBytes = b.outboundQueueBytes;
        this.writeBufferLowBytes = b.writeBufferLowBytes;
        this.writeBufferHighBytes = b.writeBufferHighBytes;
        this.connectTimeout = b.connectTimeout;
        this.handshakeTimeout = b.handshakeTimeout;
        this.reconnectBackoffMin = b.reconnectBackoffMin;
        this.reconnectBackoffMax = b.reconnectBackoffMax;
        this.snapshotChunkBytes = b.snapshotChunkBytes;
        this.snapshotWindowChunks = b.snapshotWindowChunks;
        this.snapshotIdleTimeout = b.snapshotIdleTimeout;
        this.probeInterval = b.probeInterval;
        this.probeTimeout = b.probeTimeout;
        this.inlineSnapshotBytesMax = b.inlineSnapshotBytesMax;
        this.snapshotSendsMax = b.snapshotSendsMax;
        this.snapshotReceivesMax = b.snapshotReceivesMax;
        this.ioThreads = b.ioThreads;
        this.snapshotThreads = b.snapshotThreads;
        this.tls = b.tls;
        this.random = b.random != null ? b.random : new SplittableRandom();
        validate();
    }

    private void validate() {
        require(nodeId > 0, "nodeId must be > 0, was " + nodeId);
        require(clusterId != null && !clusterId.isEmpty(), "clusterId must not be empty");
        require(listenAddress != null, "listenAddress must not be null");
        require(maxFrameBytes >= 1024, "maxFrameBytes must be >= 1024, was " + maxFrameBytes);
        require(outboundQueueMessages > 0,
                "outboundQueueMessages must be > 0, was " + outboundQueueMessages);
        require(outboundQueueBytes > 0, "outboundQueueBytes must be > 0, was "
                + outboundQueueBytes);
        require(writeBufferLowBytes > 0 && writeBufferLowBytes <= writeBufferHighBytes,
                "need 0 < writeBufferLowBytes (" + writeBufferLowBytes
                        + ") <= writeBufferHighBytes (" + writeBufferHighBytes + ")");
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("handshakeTimeout", handshakeTimeout);
        requirePositive("reconnectBackoffMin", reconnectBackoffMin);
        requirePositive("reconnectBackoffMax", reconnectBackoffMax);
        require(reconnectBackoffMin.compareTo(reconnectBackoffMax) <= 0, "reconnectBackoffMin ("
                + reconnectBackoffMin + ") must not exceed reconnectBackoffMax ("
                + reconnectBackoffMax + ")");
        require(snapshotChunkBytes > 0, "snapshotChunkBytes must be > 0, was "
                + snapshotChunkBytes);
        require((long) snapshotChunkBytes + CHUNK_OVERHEAD_BYTES <= maxFrameBytes,
                "snapshotChunkBytes (" + snapshotChunkBytes + ") plus " + CHUNK_OVERHEAD_BYTES
                        + " bytes of headers must fit in maxFrameBytes (" + maxFrameBytes + ")");
        require(snapshotWindowChunks > 0, "snapshotWindowChunks must be > 0, was "
                + snapshotWindowChunks);
        requirePositive("snapshotIdleTimeout", snapshotIdleTimeout);
        requirePositive("probeInterval", probeInterval);
        requirePositive("probeTimeout", probeTimeout);
        require(probeTimeout.compareTo(probeInterval) > 0, "probeTimeout (" + probeTimeout
                + ") must be longer than probeInterval (" + probeInterval + ")");
        require(inlineSnapshotBytesMax >= 0, "inlineSnapshotBytesMax must be >= 0, was "
                + inlineSnapshotBytesMax);
        require(snapshotSendsMax > 0, "snapshotSendsMax must be > 0, was " + snapshotSendsMax);
        require(snapshotReceivesMax > 0, "snapshotReceivesMax must be > 0, was "
                + snapshotReceivesMax);
        require(ioThreads > 0, "ioThreads must be > 0, was " + ioThreads);
        require(snapshotThreads > 0, "snapshotThreads must be > 0, was " + snapshotThreads);
    }

    private static void requirePositive(String name, Duration d) {
        require(d != null && !d.isNegative() && !d.isZero(),
                name + " must be a positive duration, was " + d);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("invalid transport config: " + message);
        }
    }

    public long nodeId() {
        return nodeId;
    }

    public String clusterId() {
        return clusterId;
    }

    public InetSocketAddress listenAddress() {
        return listenAddress;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    public int outboundQueueMessages() {
        return outboundQueueMessages;
    }

    public long outboundQueueBytes() {
        return outboundQueueBytes;
    }

    public int writeBufferLowBytes() {
        return writeBufferLowBytes;
    }

    public int writeBufferHighBytes() {
        return writeBufferHighBytes;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    public Duration reconnectBackoffMin() {
        return reconnectBackoffMin;
    }

    public Duration reconnectBackoffMax() {
        return reconnectBackoffMax;
    }

    public int snapshotChunkBytes() {
        return snapshotChunkBytes;
    }

    public int snapshotWindowChunks() {
        return snapshotWindowChunks;
    }

    public Duration snapshotIdleTimeout() {
        return snapshotIdleTimeout;
    }

    /** How often each outgoing raft stream measures its round trip. */
    public Duration probeInterval() {
        return probeInterval;
    }

    /**
     * How long an outgoing raft stream may go without an answer to its probes before it is
     * taken for half-open, closed and reconnected.
     */
    public Duration probeTimeout() {
        return probeTimeout;
    }

    public long inlineSnapshotBytesMax() {
        return inlineSnapshotBytesMax;
    }

    public int snapshotSendsMax() {
        return snapshotSendsMax;
    }

    public int snapshotReceivesMax() {
        return snapshotReceivesMax;
    }

    public int ioThreads() {
        return ioThreads;
    }

    public int snapshotThreads() {
        return snapshotThreads;
    }

    public Optional<Tls> tls() {
        return Optional.ofNullable(tls);
    }

    /** Seeds each peer's reconnect jitter; read only while peers are added. */
    RandomGenerator random() {
        return random;
    }

    /**
     * A config for node {@code nodeId} of cluster {@code clusterId}, listening on
     * {@code listenAddress} (port 0 picks a free port; see
     * {@link NettyTransport#localAddress}).
     */
    public static Builder builder(long nodeId, String clusterId, InetSocketAddress listenAddress) {
        return new Builder(nodeId, clusterId, listenAddress);
    }

    /**
     * Defaults: 16 MiB frames, 4,096 queued messages (64 MiB) per peer, write buffer marks
     * of 2 and 8 MiB, 1 s connect timeout, 5 s handshake timeout, reconnects after
     * 50 ms doubling up to 2 s, 1 MiB snapshot chunks with 4 in flight, 30 s snapshot idle
     * timeout, a round-trip probe every second (a stream with no answer for 5 s is
     * reconnected), inline snapshots up to 64 MiB, 4 snapshot streams each way, 2 I/O threads,
     * 2 snapshot file threads, no TLS.
     */
    public static final class Builder {
        private final long nodeId;
        private final String clusterId;
        private final InetSocketAddress listenAddress;
        private int maxFrameBytes = 16 << 20;
        private int outboundQueueMessages = 4_096;
        private long outboundQueueBytes = 64L << 20;
        private int writeBufferLowBytes = 2 << 20;
        private int writeBufferHighBytes = 8 << 20;
        private Duration connectTimeout = Duration.ofSeconds(1);
        private Duration handshakeTimeout = Duration.ofSeconds(5);
        private Duration reconnectBackoffMin = Duration.ofMillis(50);
        private Duration reconnectBackoffMax = Duration.ofSeconds(2);
        private int snapshotChunkBytes = 1 << 20;
        private int snapshotWindowChunks = 4;
        private Duration snapshotIdleTimeout = Duration.ofSeconds(30);
        private Duration probeInterval = Duration.ofSeconds(1);
        private Duration probeTimeout = Duration.ofSeconds(5);
        private long inlineSnapshotBytesMax = 64L << 20;
        private int snapshotSendsMax = 4;
        private int snapshotReceivesMax = 4;
        private int ioThreads = 2;
        private int snapshotThreads = 2;
        private Tls tls;
        private RandomGenerator random;

        private Builder(long nodeId, String clusterId, InetSocketAddress listenAddress) {
            this.nodeId = nodeId;
            this.clusterId = clusterId;
            this.listenAddress = listenAddress;
        }

        /** The largest frame, length prefix included, either side accepts. */
        public Builder maxFrameBytes(int v) {
            maxFrameBytes = v;
            return this;
        }

        /** Messages queued per peer before the transport drops (and reports) more. */
        public Builder outboundQueueMessages(int v) {
            outboundQueueMessages = v;
            return this;
        }

        /** Bytes of messages queued per peer before the transport drops (and reports) more. */
        public Builder outboundQueueBytes(long v) {
            outboundQueueBytes = v;
            return this;
        }

        /** A connection is not writable (messages to it are dropped) above {@code high}. */
        public Builder writeBufferWaterMarks(int low, int high) {
            writeBufferLowBytes = low;
            writeBufferHighBytes = high;
            return this;
        }

        public Builder connectTimeout(Duration v) {
            connectTimeout = v;
            return this;
        }

        /** A connection whose handshake does not complete in time is closed. */
        public Builder handshakeTimeout(Duration v) {
            handshakeTimeout = v;
            return this;
        }

        /** Reconnect delays double from {@code min} up to {@code max}, with jitter. */
        public Builder reconnectBackoff(Duration min, Duration max) {
            reconnectBackoffMin = min;
            reconnectBackoffMax = max;
            return this;
        }

        public Builder snapshotChunkBytes(int v) {
            snapshotChunkBytes = v;
            return this;
        }

        /** Snapshot chunks sent and not yet acknowledged, at most. */
        public Builder snapshotWindowChunks(int v) {
            snapshotWindowChunks = v;
            return this;
        }

        /** A snapshot stream that makes no progress for this long fails. */
        public Builder snapshotIdleTimeout(Duration v) {
            snapshotIdleTimeout = v;
            return this;
        }

        /** How often each outgoing raft stream measures its round trip to the peer. */
        public Builder probeInterval(Duration v) {
            probeInterval = v;
            return this;
        }

        /**
         * An outgoing raft stream whose probes go unanswered this long is closed and
         * reconnected: the socket of a half-open connection never fails on its own.
         */
        public Builder probeTimeout(Duration v) {
            probeTimeout = v;
            return this;
        }

        /**
         * The largest snapshot this node accepts with its data inline (the sender's
         * MsgSnap carried it inline, so the receiver must hand it over inline too).
         */
        public Builder inlineSnapshotBytesMax(long v) {
            inlineSnapshotBytesMax = v;
            return this;
        }

        /** Concurrent snapshot streams out of ({@code sends}) and into this node. */
        public Builder snapshotStreamsMax(int sends, int receives) {
            snapshotSendsMax = sends;
            snapshotReceivesMax = receives;
            return this;
        }

        public Builder ioThreads(int v) {
            ioThreads = v;
            return this;
        }

        /** Threads that read and write snapshot files, so event loops never block. */
        public Builder snapshotThreads(int v) {
            snapshotThreads = v;
            return this;
        }

        /** Turns on mutual TLS; null turns it off. */
        public Builder tls(Tls v) {
            tls = v;
            return this;
        }

        /** Seed it in tests; by default a generator seeded from the environment. */
        public Builder random(RandomGenerator v) {
            random = v;
            return this;
        }

        public NettyTransportConfig build() {
            return new NettyTransportConfig(this);
        }
    }
}
