package io.katd.raft.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.SnapshotStatus;
import io.katd.raft.transport.RecordingInbound.SnapshotReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots streamed between two transports on loopback, store to store. */
class SnapshotStreamTest {
    private static final SnapshotMetadata METADATA = SnapshotMetadata.newBuilder()
            .setIndex(120).setTerm(3)
            .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2)).build();

    private final Transports transports = new Transports();
    private final RecordingInbound inA = new RecordingInbound();
    private final RecordingInbound inB = new RecordingInbound();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void closeAll() {
        release.countDown();
        transports.close();
    }

    /** Node 1 (a) sends to node 2 (b); both started. */
    private NettyTransport[] pair(Object storeA, Object storeB, Duration idleTimeout) {
        NettyTransport a = transports.create(1, (io.katd.raft.node.SnapshotStore) storeA,
                Transports.ANY_PORT, c -> c.snapshotIdleTimeout(idleTimeout)
                        .snapshotStreamsMax(1, 4));
        NettyTransport b = transports.create(2, (io.katd.raft.node.SnapshotStore) storeB,
                Transports.ANY_PORT, c -> c.snapshotIdleTimeout(idleTimeout));
        a.setPeers(Map.of(2L, b.localAddress()));
        b.setPeers(Map.of(1L, a.localAddress()));
        a.start(inA);
        b.start(inB);
        return new NettyTransport[] {a, b};
    }

    private NettyTransport[] pair(Object storeA, Object storeB) {
        return pair(storeA, storeB, Duration.ofSeconds(30));
    }

    private static Message msgSnap(ByteString inlineData) {
        return Message.newBuilder().setType(MessageType.MsgSnap).setFrom(1).setTo(2).setTerm(3)
                .setSnapshot(Snapshot.newBuilder().setMetadata(METADATA).setData(inlineData))
                .build();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void aSnapshotInTheSendersStoreLandsInTheReceiversStore() {
        MemorySnapshotStore storeA = new MemorySnapshotStore();
        MemorySnapshotStore storeB = new MemorySnapshotStore();
        byte[] data = random(3 << 20, 1);
        storeA.put(METADATA, data);
        NettyTransport[] ab = pair(storeA, storeB);
        ab[0].send(List.of(msgSnap(ByteString.EMPTY)));
        assertThat(inA.nextReport()).isEqualTo(new SnapshotReport(2, SnapshotStatus.FINISH));
        Message delivered = inB.next();
        assertThat(delivered.getType()).isEqualTo(MessageType.MsgSnap);
        assertThat(delivered.getSnapshot().getMetadata()).isEqualTo(METADATA);
        assertThat(delivered.getSnapshot().getData().isEmpty())
                .as("store mode: the data stays in the store").isTrue();
        assertThat(storeB.data(120, 3)).hasValue(data);
        assertThat(storeB.largestWriteBytes.get()).isLessThanOrEqualTo(1 << 20);
        assertThat(ab[0].stats().snapshotsSent()).isEqualTo(1);
        Await.until("node 2 counted the snapshot", () -> ab[1].stats().snapshotsReceived() == 1);
        assertThat(inA.snapshotReports).isEmpty();
    }

    @Test
    void inlineDataIsStreamedWhenTheStoreLacksItAndDeliveredInline() {
        MemorySnapshotStore storeB = new MemorySnapshotStore();
        ByteString data = ByteString.copyFrom(random((5 << 19) + 17, 2));
        pair(new MemorySnapshotStore(), storeB)[0].send(List.of(msgSnap(data)));
        assertThat(inA.nextReport()).isEqualTo(new SnapshotReport(2, SnapshotStatus.FINISH));
        Message delivered = inB.next();
        assertThat(delivered.getSnapshot().getData()).isEqualTo(data);
        assertThat(storeB.data(120, 3)).hasValue(data.toByteArray());
    }

    @Test
    void anEmptySnapshotIsDelivered() {
        MemorySnapshotStore storeB = new MemorySnapshotStore();
        pair(new MemorySnapshotStore(), storeB)[0].send(List.of(msgSnap(ByteString.EMPTY)));
        assertThat(inA.nextReport()).isEqualTo(new SnapshotReport(2, SnapshotStatus.FINISH));
        assertThat(inB.next().getSnapshot().getMetadata()).isEqualTo(METADATA);
        assertThat(storeB.data(120, 3)).hasValue(new byte[0]);
    }

    @Test
    void aHundredMegabyteSnapshotStreamsInBoundedMemory(@TempDir Path dir) throws IOException {
        FileSnapshotStore storeA = new FileSnapshotStore(dir.resolve("a"));
        FileSnapshotStore storeB = new FileSnapshotStore(dir.resolve("b"));
        long size = 100L << 20;
        int crc = storeA.generate(METADATA, size, 42);
        NettyTransport[] ab = pair(storeA, storeB);
        ab[0].send(List.of(msgSnap(ByteString.EMPTY)));
        assertThat(inA.nextReport()).isEqualTo(new SnapshotReport(2, SnapshotStatus.FINISH));
        assertThat(inB.next().getSnapshot().getMetadata()).isEqualTo(METADATA);
        assertThat(storeB.crc32c(120, 3)).hasValue(crc);
        assertThat(storeB.crcOfFile(120, 3)).isEqualTo(crc);
        // Chunks, not one buffer: never more than the window in flight, each at most a
        // chunk. The test JVM's heap (384 MB) and direct memory (128 MB) could not hold the
        // copies a single-buffer transfer makes.
        Counters sent = ab[0].counters();
        assertThat(sent.snapshotInflightChunksMax()).isBetween(1L, 4L);
        assertThat(sent.snapshotChunkBytesMax()).isEqualTo(1 << 20);
        assertThat(storeB.largestWriteBytes.get()).isLessThanOrEqualTo(1 << 20);
    }

    @Test
    void aReceiverClosedMidStreamKeepsNoPartialSnapshotAndTheSenderReportsFailure() {
        MemorySnapshotStore storeA = new MemorySnapshotStore();
        MemorySnapshotStore storeB = new MemorySnapshotStore();
        storeA.put(METADATA, random(16 << 20, 3));
        CountDownLatch halfway = holdWritesAt(storeB, 8 << 20);
        NettyTransport[] ab = pair(storeA, storeB);
        ab[0].send(List.of(msgSnap(ByteString.EMPTY)));
        await(halfway);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(ab[1]::close);
        assertThat(inA.nextReport()).isEqualTo(new SnapshotReport(2, SnapshotStatus.FAILURE));
        release.countDown();
        Await.get(closing);
        assertThat(storeB.size()).isZero();
        assertThat(storeB.aborts.get()).isEqualTo(1);
        assertThat(storeB.openWriters()).isZero();
        assertThat(inB.received).isEmpty();
    }

    @Test
    void aSenderClosedMidStreamLeavesNoPartialSnapshotOnTheReceiver() {
        MemorySnapshotStore storeA = new MemorySnapshotStore();
        MemorySnapshotStore storeB = new MemorySnapshotStore();
        storeA.put(METADATA, random(16 << 20, 4));
        CountDownLatch halfway = holdWritesAt(storeB, 8 << 20);
        NettyTransport[] ab = pair(storeA, storeB);
        ab[0].send(List.of(msgSnap(ByteString.EMPTY)));
        await(halfway);
        ab[0].close();
        release.countDown();
        Await.until("node 2 aborts the stream", () -> storeB.aborts.get() == 1);
        assertThat(storeB.size()).isZero();
        assertThat(storeB.openWriters()).isZero();
        assertThat(inB.received).isEmpty();
        Await.until("node 2 counted the failure",
                () -> ab[1].stats().snapshotReceiveFailures() == 1);
        // A closed transport tells its node nothing more.
        assertThat(inA.snapshotReports).isEmpty();
    }

    @Test
    void aStalledReceiverTimesOutBothSides() {
        MemorySnapshotStore storeA = new MemorySnapshotStore();
        MemorySnapshotStore storeB = new MemorySnapshotStore();
        // Held at 4 MB with at most 4 MB more in flight: the stream cannot complete.
        storeA.put(METADATA, random(16 << 20, 5));
        CountDownLatch halfway = holdWritesAt(storeB, 4 << 20);
        NettyTransport[] ab = pair(storeA, storeB, Duration.ofMillis(500));
        ab[0].send(List.of(msgSnap(ByteString.EMPTY)));
        await(halfway);
        assertThat(inA.nextReport()).isEqualTo(new SnapshotReport(2, SnapshotStatus.FAILURE));
        release.countDown();
        Await.until("node 2 aborts the stream", () -> storeB.aborts.get() == 1);
        assertThat(storeB.size()).isZero();
        assertThat(ab[0].stats().snapshotSendFailures()).isEqualTo(1);
    }

    @Test
    void aCorruptSnapshotIsRefusedAtCommit() {
        MemorySnapshotStore storeA = new MemorySnapshotStore();
        MemorySnapshotStore storeB = new MemorySnapshotStore();
        byte[] data = random(2 << 20, 6);
        storeA.put(METADATA, data, MemorySnapshotStore.crc(data) ^ 1);
        pair(storeA, storeB)[0].send(List.of(msgSnap(ByteString.EMPTY)));
        assertThat(inA.nextReport()).isEqualTo(new SnapshotReport(2, SnapshotStatus.FAILURE));
        assertThat(storeB.size()).isZero();
        assertThat(storeB.openWriters()).isZero();
        assertThat(inB.received).isEmpty();
    }

    @Test
    void aNodeThatCannotTakeTheSnapshotFailsTheSend() {
        MemorySnapshotStore storeA = new MemorySnapshotStore();
        storeA.put(METADATA, random(1 << 20, 7));
        inB.accepting = false;
        pair(storeA, new MemorySnapshotStore())[0].send(List.of(msgSnap(ByteString.EMPTY)));
        assertThat(inA.nextReport()).isEqualTo(new SnapshotReport(2, SnapshotStatus.FAILURE));
    }

    @Test
    void anInlineSnapshotAboveTheReceiversLimitIsRefused() {
        MemorySnapshotStore storeB = new MemorySnapshotStore();
        NettyTransport a = transports.create(1);
        NettyTransport b = transports.create(2, storeB, Transports.ANY_PORT,
                c -> c.inlineSnapshotBytesMax(1 << 20));
        a.setPeers(Map.of(2L, b.localAddress()));
        a.start(inA);
        b.start(inB);
        a.send(List.of(msgSnap(ByteString.copyFrom(random((1 << 20) + 1, 8)))));
        assertThat(inA.nextReport()).isEqualTo(new SnapshotReport(2, SnapshotStatus.FAILURE));
        assertThat(storeB.created.get()).isZero();
    }

    @Test
    void snapshotsToUnknownPeersOrBeyondTheLimitFailAtOnce() {
        MemorySnapshotStore storeA = new MemorySnapshotStore();
        MemorySnapshotStore storeB = new MemorySnapshotStore();
        storeA.put(METADATA, random(4 << 20, 9));
        CountDownLatch halfway = holdWritesAt(storeB, 1 << 20);
        NettyTransport[] ab = pair(storeA, storeB);
        ab[0].send(List.of(msgSnap(ByteString.EMPTY).toBuilder().setTo(7).build()));
        assertThat(inA.snapshotReports).containsExactly(
                new SnapshotReport(7, SnapshotStatus.FAILURE));
        inA.snapshotReports.clear();
        ab[0].send(List.of(msgSnap(ByteString.EMPTY)));
        await(halfway);
        // At most one stream out at a time (snapshotStreamsMax(1, 4)): the second fails.
        ab[0].send(List.of(msgSnap(ByteString.EMPTY)));
        assertThat(inA.snapshotReports).containsExactly(
                new SnapshotReport(2, SnapshotStatus.FAILURE));
        inA.snapshotReports.clear();
        release.countDown();
        assertThat(inA.nextReport()).isEqualTo(new SnapshotReport(2, SnapshotStatus.FINISH));
    }

    /** Holds node 2's writes once {@code bytes} are written, until the test releases them. */
    private CountDownLatch holdWritesAt(MemorySnapshotStore store, long bytes) {
        CountDownLatch reached = new CountDownLatch(1);
        store.hook = written -> {
            if (written >= bytes) {
                reached.countDown();
                try {
                    if (!release.await(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new IOException("the test never released the write");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        };
        return reached;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .as("reached in time").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
