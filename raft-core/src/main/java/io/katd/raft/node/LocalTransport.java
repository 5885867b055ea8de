package io.katd.raft.node;

import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.raft.SnapshotStatus;
import java.util.List;

/** One node's attachment to a {@link LocalNetwork}. Thread-safe. */
public final class LocalTransport implements Transport {
    private final LocalNetwork network;
    private final long id;
    // Set by start, cleared by close; read by the network's delivery thread.
    private volatile Inbound inbound;
    private volatile boolean closed;

    LocalTransport(LocalNetwork network, long id) {
        this.network = network;
        this.id = id;
    }

    @Override
    public void start(Inbound in) {
        if (closed) {
            throw new IllegalStateException("transport of node " + id + " is closed");
        }
        if (inbound != null) {
            throw new IllegalStateException("transport of node " + id + " already started");
        }
        this.inbound = in;
    }

    @Override
    public void send(List<Message> messages) {
        for (Message m : messages) {
            if (closed) {
                return;
            }
            if (!network.enqueue(id, m)) {
                if (m.getType() == MessageType.MsgSnap) {
                    report(m.getTo(), SnapshotStatus.FAILURE);
                } else {
                    reportUnreachable(m.getTo());
                }
            }
        }
    }

    boolean deliver(Message m) {
        Inbound in = inbound;
        return !closed && in != null && in.receive(m);
    }

    void reportUnreachable(long peer) {
        Inbound in = inbound;
        if (!closed && in != null) {
            in.reportUnreachable(peer);
        }
    }

    void report(long peer, SnapshotStatus status) {
        Inbound in = inbound;
        if (!closed && in != null) {
            in.reportSnapshot(peer, status);
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        inbound = null;
    }
}
