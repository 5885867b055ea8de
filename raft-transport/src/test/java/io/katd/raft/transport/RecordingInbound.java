package io.katd.raft.transport;

import io.katd.proto.raft.Message;
import io.katd.raft.SnapshotStatus;
import io.katd.raft.node.Transport;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** An Inbound that records what the transport hands it; thread-safe. */
final class RecordingInbound implements Transport.Inbound {
    record SnapshotReport(long peerId, SnapshotStatus status) {}

    final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    final BlockingQueue<Long> unreachable = new LinkedBlockingQueue<>();
    final BlockingQueue<SnapshotReport> snapshotReports = new LinkedBlockingQueue<>();
    // Set by a test to play a node whose inbox is full.
    volatile boolean accepting = true;

    @Override
    public boolean receive(Message message) {
        if (!accepting) {
            return false;
        }
        received.add(message);
        return true;
    }

    @Override
    public void reportUnreachable(long peerId) {
        unreachable.add(peerId);
    }

    @Override
    public void reportSnapshot(long peerId, SnapshotStatus status) {
        snapshotReports.add(new SnapshotReport(peerId, status));
    }

    Message next() {
        return Await.take(received, "a received message");
    }

    SnapshotReport nextReport() {
        return Await.take(snapshotReports, "a snapshot report");
    }
}
