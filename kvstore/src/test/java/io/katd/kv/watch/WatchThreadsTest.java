package io.katd.kv.watch;

import static io.katd.kv.watch.WatchFixture.b;
import static org.assertj.core.api.Assertions.assertThat;

import io.katd.kv.mvcc.Applied;
import io.katd.kv.mvcc.DeleteRangeRequest;
import io.katd.kv.mvcc.InMemoryBackend;
import io.katd.kv.mvcc.MvccStore;
import io.katd.kv.mvcc.PutRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one watch test on real threads, for the thread-safety claims the manual executors cannot
 * exercise: an apply thread that owns the store and runs the hub's tasks, a two-thread
 * delivery pool, and the test thread starting, pausing, resuming and cancelling watches
 * meanwhile. The schedule differs from run to run; the verdict must not. Nothing sleeps: the
 * test waits on futures and latches, with timeouts only as a guard against hangs.
 */
class WatchThreadsTest {

    /** Records responses from pool threads; fails on overlapping calls. */
    private static final class ThreadedListener implements WatchListener {
        final List<WatchResponse> responses = new ArrayList<>();
        final AtomicBoolean inCall = new AtomicBoolean();
        final CountDownLatch done = new CountDownLatch(1);
        volatile boolean ready = true;
        volatile boolean overlapped;
        volatile long doneAt = Long.MAX_VALUE;

        @Override
        public void onResponse(WatchResponse response) {
            if (!inCall.compareAndSet(false, true)) {
                overlapped = true;
            }
            synchronized (responses) {
                responses.add(response);
            }
            boolean progressed = response.kind() == WatchResponse.Kind.PROGRESS
                    && response.revision() >= doneAt;
            if (progressed || response.kind() == WatchResponse.Kind.CANCELED) {
                done.countDown();
            }
            inCall.set(false);
        }

        @Override
        public boolean isReady() {
            return ready;
        }
    }

    private final ExecutorService applyThread = Executors.newSingleThreadExecutor();
    private final ExecutorService delivery = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() throws InterruptedException {
        applyThread.shutdown();
        delivery.shutdown();
        assertThat(applyThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(delivery.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void everyStreamIsCompleteAndInOrderOnRealThreads() throws Exception {
        MvccStore store = applyThread.submit(() -> MvccStore.open(new InMemoryBackend())).get();
        WatchHub hub = applyThread.submit(() -> new WatchHub(store,
                new WatchConfig(4, 1 << 20, 3, 2), applyThread, delivery)).get();
        GroundTruth truth = new GroundTruth();
        List<WatchRequest> requests = new ArrayList<>();
        List<ThreadedListener> listeners = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        Random random = new Random(20261123L);
        long[] raftIndex = {0};
        for (int i = 0; i < 400; i++) {
            if (i % 40 == 0) {
                WatchRequest request = (i % 80 == 0 ? WatchRequest.prefix(b(""))
                        : WatchRequest.key(b("k" + (i % 3)))).fromRevision(1 + i / 4)
                        .withPrevKv().withProgressNotify();
                ThreadedListener listener = new ThreadedListener();
                requests.add(request);
                listeners.add(listener);
                ids.add(hub.watch(request, listener));
            }
            String key = "k" + random.nextInt(5);
            boolean delete = random.nextInt(4) == 0;
            applyThread.execute(() -> write(store, hub, truth, ++raftIndex[0], key, delete));
            ThreadedListener toggled = listeners.get(random.nextInt(listeners.size()));
            toggled.ready = !toggled.ready;
            if (toggled.ready) {
                hub.resume(ids.get(listeners.indexOf(toggled)));
            }
        }
        hub.cancel(ids.get(3));
        long finalRevision = applyThread.submit(store::currentRevision).get();
        for (int i = 0; i < listeners.size(); i++) {
            listeners.get(i).doneAt = finalRevision;
            listeners.get(i).ready = true;
            hub.resume(ids.get(i));
        }
        // Progress requests until every watch has confirmed the final revision (or ended):
        // watches still catching up get theirs once they are synced.
        for (ThreadedListener listener : listeners) {
            for (int round = 0; !listener.done.await(50, TimeUnit.MILLISECONDS); round++) {
                assertThat(round).as("rounds waiting for the final progress").isLessThan(600);
                hub.progressNotify();
            }
        }

        WatchStreamChecker checker = new WatchStreamChecker(truth, finalRevision);
        for (int i = 0; i < listeners.size(); i++) {
            ThreadedListener listener = listeners.get(i);
            assertThat(listener.overlapped).as("overlapping listener calls").isFalse();
            synchronized (listener.responses) {
                checker.check(requests.get(i), listener.responses, true);
            }
        }
        hub.close();
        applyThread.submit(store::close).get();
    }

    /** On the apply thread: applies a write and reports it, as the state machine will. */
    private static void write(MvccStore store, WatchHub hub, GroundTruth truth, long raftIndex,
            String key, boolean delete) {
        try {
            Applied<?> applied = delete
                    ? store.deleteRange(raftIndex, DeleteRangeRequest.single(b(key)))
                    : store.put(raftIndex, PutRequest.of(b(key), b("v")));
            truth.record(applied.events());
            hub.onApplied(store.currentRevision(), applied.events());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
