package io.katd.raft.transport;

import io.katd.proto.raft.Entry;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.raft.node.SnapshotStore;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/** Transports on 127.0.0.1 for tests, closed together at the end of a test. */
final class Transports implements AutoCloseable {
    static final String CLUSTER_ID = "katd-test";
    static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    private final List<NettyTransport> open = new ArrayList<>();

    /** A bound transport for node {@code id} with quick reconnects. */
    NettyTransport create(long id, SnapshotStore store, InetSocketAddress listen,
            UnaryOperator<NettyTransportConfig.Builder> tweak) {
        NettyTransportConfig config = tweak.apply(NettyTransportConfig.builder(id, CLUSTER_ID,
                listen).reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
                .ioThreads(1).snapshotThreads(1).random(new SplittableRandom(id))).build();
        NettyTransport t = new NettyTransport(config, store);
        open.add(t);
        t.bind();
        return t;
    }

    NettyTransport create(long id, UnaryOperator<NettyTransportConfig.Builder> tweak) {
        return create(id, new MemorySnapshotStore(), ANY_PORT, tweak);
    }

    NettyTransport create(long id) {
        return create(id, b -> b);
    }

    static Message heartbeat(long from, long to, long commit) {
        return Message.newBuilder().setType(MessageType.MsgHeartbeat).setFrom(from).setTo(to)
                .setTerm(1).setCommit(commit).build();
    }

    static Message append(long from, long to, long index, int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        new SplittableRandom(index).nextBytes(payload);
        return Message.newBuilder().setType(MessageType.MsgApp).setFrom(from).setTo(to)
                .setTerm(1).setIndex(index - 1).setLogTerm(1).setCommit(index - 1)
                .addEntries(Entry.newBuilder().setTerm(1).setIndex(index)
                        .setData(com.google.protobuf.ByteString.copyFrom(payload)))
                .build();
    }

    @Override
    public void close() {
        for (NettyTransport t : open) {
            t.close();
        }
    }
}
