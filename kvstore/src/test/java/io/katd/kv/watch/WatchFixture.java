package io.katd.kv.watch;

import com.google.protobuf.ByteString;
import io.katd.kv.mvcc.Applied;
import io.katd.kv.mvcc.DeleteRangeRequest;
import io.katd.kv.mvcc.InMemoryBackend;
import io.katd.kv.mvcc.MvccStore;
import io.katd.kv.mvcc.PutRequest;
import io.katd.kv.mvcc.TxnRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory store with a hub over it, as the state machine will wire them: every write is
 * applied to the store and then reported to the hub, on the test thread, which plays the apply
 * thread. The hub's apply tasks and deliveries queue in manual executors until the test runs
 * them. Every applied write is recorded as ground truth for {@link WatchStreamChecker}.
 */
final class WatchFixture implements AutoCloseable {

    /** A watch the test started: its id, what it asked for, and what it received. */
    record Watched(long id, WatchRequest request, RecordingListener listener) {

        List<WatchResponse> responses() {
            return listener.responses;
        }
    }

    final MvccStore store;
    final ManualExecutor apply = new ManualExecutor();
    final ManualExecutor delivery = new ManualExecutor();
    final WatchHub hub;
    final GroundTruth truth = new GroundTruth();
    final List<Watched> watches = new ArrayList<>();
    private long raftIndex;

    WatchFixture(WatchConfig config) {
        this(config, Canary.NONE);
    }

    WatchFixture(WatchConfig config, Canary canary) {
        try {
            store = MvccStore.open(new InMemoryBackend());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        hub = new WatchHub(store, config, apply, delivery, canary);
    }

    static WatchConfig config(int bufferEventsMax, int syncRevisionsMax) {
        return new WatchConfig(bufferEventsMax, 1 << 20, syncRevisionsMax, 4);
    }

    static ByteString b(String utf8) {
        return ByteString.copyFromUtf8(utf8);
    }

    long put(String key, String value) {
        return applied(write(() -> store.put(++raftIndex, PutRequest.of(b(key), b(value)))));
    }

    long delete(String key) {
        return applied(write(() -> store.deleteRange(++raftIndex,
                DeleteRangeRequest.single(b(key)))));
    }

    long deleteRange(DeleteRangeRequest request) {
        return applied(write(() -> store.deleteRange(++raftIndex, request)));
    }

    long txn(TxnRequest request) {
        return applied(write(() -> store.txn(++raftIndex, request)));
    }

    void compact(long revision) {
        try {
            store.compact(++raftIndex, revision);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        truth.recordCompaction(revision);
        hub.onCompacted(revision);
    }

    /** Replaces the store with a snapshot, as a follower that installs one does. */
    void restore(Path snapshot) {
        try {
            store.restore(snapshot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        raftIndex = store.appliedIndex();
        hub.onRestored();
    }

    Watched watch(WatchRequest request) {
        RecordingListener listener = new RecordingListener();
        Watched watched = new Watched(hub.watch(request, listener), request, listener);
        watches.add(watched);
        return watched;
    }

    /** Runs apply tasks and deliveries until neither has anything queued. */
    void settle() {
        for (int round = 0; round < 10_000; round++) {
            if (apply.isEmpty() && delivery.isEmpty()) {
                return;
            }
            apply.runAll();
            delivery.runAll();
        }
        throw new AssertionError("the hub does not settle: it keeps queueing tasks");
    }

    WatchStreamChecker checker() {
        return new WatchStreamChecker(truth, store.currentRevision());
    }

    /** Checks every watch the test started, as settled streams. */
    void checkAll() {
        WatchStreamChecker checker = checker();
        for (Watched watched : watches) {
            checker.check(watched.request(), watched.responses(), true);
        }
    }

    @Override
    public void close() {
        store.close();
    }

    @FunctionalInterface
    private interface Write {
        Applied<?> run() throws IOException;
    }

    private static Applied<?> write(Write write) {
        try {
            return write.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long applied(Applied<?> applied) {
        truth.record(applied.events());
        long revision = store.currentRevision();
        hub.onApplied(revision, applied.events());
        return revision;
    }
}
