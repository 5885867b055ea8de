package io.katd.raft.transport;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link TransportStats}; updated from any thread. */
final class Counters {
    final LongAdder messagesSent = new LongAdder();
    final LongAdder messagesDropped = new LongAdder();
    final LongAdder messagesReceived = new LongAdder();
    final LongAdder connectionsEstablished = new LongAdder();
    final LongAdder connectionsRejected = new LongAdder();
    final LongAdder tlsHandshakeFailures = new LongAdder();
    final LongAdder snapshotsSent = new LongAdder();
    final LongAdder snapshotSendFailures = new LongAdder();
    final LongAdder snapshotsReceived = new LongAdder();
    final LongAdder snapshotReceiveFailures = new LongAdder();
    // The most snapshot chunks ever in flight on one stream, and the largest chunk sent:
    // evidence that snapshots stream in bounded memory.
    private final AtomicLong snapshotInflightChunksMax = new AtomicLong();
    private final AtomicLong snapshotChunkBytesMax = new AtomicLong();

    void recordInflightChunks(long chunks, long chunkBytes) {
        snapshotInflightChunksMax.accumulateAndGet(chunks, Math::max);
        snapshotChunkBytesMax.accumulateAndGet(chunkBytes, Math::max);
    }

    long snapshotInflightChunksMax() {
        return snapshotInflightChunksMax.get();
    }

    long snapshotChunkBytesMax() {
        return snapshotChunkBytesMax.get();
    }

    TransportStats snapshot() {
        return new TransportStats(messagesSent.sum(), messagesDropped.sum(),
                messagesReceived.sum(), connectionsEstablished.sum(), connectionsRejected.sum(),
                tlsHandshakeFailures.sum(), snapshotsSent.sum(), snapshotSendFailures.sum(),
                snapshotsReceived.sum(), snapshotReceiveFailures.sum());
    }
}
