package io.katd.kv.watch;

import static io.katd.kv.watch.WatchFixture.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.kv.mvcc.DeleteRangeRequest;
import io.katd.kv.mvcc.InMemoryBackend;
import io.katd.kv.mvcc.MvccStore;
import io.katd.kv.mvcc.PutRequest;
import io.katd.kv.mvcc.TxnOp;
import io.katd.kv.mvcc.TxnRequest;
import io.katd.kv.watch.WatchFixture.Watched;
import io.katd.kv.watch.WatchResponse.Kind;
import io.katd.proto.etcd.mvccpb.Event;
import io.katd.proto.etcd.mvccpb.Event.EventType;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Live delivery: start revisions, stream shape, filters, prev_kv, cancel, progress, close. */
class WatchHubTest {

    private final WatchFixture f = new WatchFixture(WatchFixture.config(100, 100));

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void watchFromNowGetsLaterWritesInOrderWithoutPrevKv() {
        f.put("a", "1");
        Watched w = f.watch(WatchRequest.key(b("a")));
        f.settle();
        f.put("a", "2");
        f.put("b", "1");
        f.put("a", "3");
        f.settle();

        assertThat(w.responses().get(0)).isEqualTo(WatchResponse.created(w.id(), 2));
        assertThat(w.listener().eventRevisions()).containsExactly(3L, 5L);
        assertThat(w.responses()).allSatisfy(r -> assertThat(r.events())
                .allSatisfy(e -> assertThat(e.hasPrevKv()).isFalse()));
        f.checkAll();
    }

    @Test
    void prevKvIsCarriedWhenAskedFor() {
        Watched w = f.watch(WatchRequest.key(b("a")).withPrevKv());
        f.settle();
        f.put("a", "1");
        f.put("a", "2");
        f.delete("a");
        f.settle();

        List<Event> events = w.listener().ofKind(Kind.EVENTS).stream()
                .flatMap(r -> r.events().stream()).toList();
        assertThat(events).extracting(Event::hasPrevKv).containsExactly(false, true, true);
        assertThat(events.get(1).getPrevKv().getValue()).isEqualTo(b("1"));
        assertThat(events.get(2).getPrevKv().getValue()).isEqualTo(b("2"));
        assertThat(events.get(2).getType()).isEqualTo(EventType.DELETE);
        f.checkAll();
    }

    @Test
    void filtersLeaveOutPutsOrDeletes() {
        Watched noPut = f.watch(WatchRequest.prefix(b("k")).withoutPuts());
        Watched noDelete = f.watch(WatchRequest.prefix(b("k")).withoutDeletes());
        f.settle();
        f.put("k1", "1");
        f.txn(new TxnRequest(List.of(), List.of(
                PutRequest.of(b("k2"), b("2")), DeleteRangeRequest.single(b("k1"))), List.of()));
        f.settle();

        assertThat(noPut.listener().ofKind(Kind.EVENTS)).singleElement()
                .satisfies(r -> assertThat(r.events()).extracting(Event::getType)
                        .containsExactly(EventType.DELETE));
        assertThat(noDelete.listener().eventRevisions()).containsExactly(2L, 3L);
        f.checkAll();
    }

    @Test
    void allEventsOfOneTransactionComeInOneResponseInChangeOrder() {
        f.put("k0", "0");
        Watched prefix = f.watch(WatchRequest.prefix(b("k")));
        Watched single = f.watch(WatchRequest.key(b("k2")));
        Watched all = f.watch(WatchRequest.prefix(b("")));
        f.settle();
        List<TxnOp> ops = List.of(PutRequest.of(b("k1"), b("1")), PutRequest.of(b("k2"), b("2")),
                DeleteRangeRequest.single(b("k0")), PutRequest.of(b("x"), b("x")));
        long revision = f.txn(new TxnRequest(List.of(), ops, List.of()));
        f.settle();

        assertThat(prefix.listener().ofKind(Kind.EVENTS)).singleElement().satisfies(r -> {
            assertThat(r.revision()).isEqualTo(revision);
            assertThat(r.events()).extracting(e -> e.getKv().getKey().toStringUtf8())
                    .containsExactly("k1", "k2", "k0");
        });
        assertThat(single.listener().ofKind(Kind.EVENTS)).singleElement()
                .satisfies(r -> assertThat(r.events()).hasSize(1));
        assertThat(all.listener().ofKind(Kind.EVENTS)).singleElement()
                .satisfies(r -> assertThat(r.events()).hasSize(4));
        f.checkAll();
    }

    @Test
    void watchFromTheFutureWaitsForItsStartRevision() {
        Watched w = f.watch(WatchRequest.key(b("a")).fromRevision(5));
        f.settle();
        f.put("a", "2");
        f.put("a", "3");
        f.put("a", "4");
        f.put("a", "5");
        f.put("a", "6");
        f.settle();

        assertThat(w.listener().eventRevisions()).containsExactly(5L, 6L);
        f.checkAll();
    }

    @Test
    void aRevisionLargerThanTheWholeBufferIsDeliveredAlone() {
        WatchFixture small = new WatchFixture(WatchFixture.config(2, 100));
        Watched w = small.watch(WatchRequest.prefix(b("k")));
        small.settle();
        List<TxnOp> puts = List.of(PutRequest.of(b("k1"), b("1")),
                PutRequest.of(b("k2"), b("2")), PutRequest.of(b("k3"), b("3")));
        small.txn(new TxnRequest(List.of(), puts, List.of()));
        small.settle();

        assertThat(w.listener().ofKind(Kind.EVENTS)).singleElement()
                .satisfies(r -> assertThat(r.events()).hasSize(3));
        assertThat(small.hub.stats().overflows()).isZero();
        small.checkAll();
        small.close();
    }

    @Test
    void cancelDropsWhatIsPendingAndEndsTheStream() {
        Watched w = f.watch(WatchRequest.key(b("a")));
        f.settle();
        f.put("a", "1");
        f.put("a", "2");
        assertThat(f.hub.watcherCount()).isEqualTo(1);

        assertThat(f.hub.cancel(w.id())).isTrue();
        f.settle();
        f.put("a", "3");
        f.settle();
        assertThat(f.hub.watcherCount()).isZero();

        assertThat(w.responses()).extracting(WatchResponse::kind)
                .containsExactly(Kind.CREATED, Kind.CANCELED);
        assertThat(w.listener().last().cancelReason()).isEqualTo(CancelReason.CLIENT);
        assertThat(f.hub.cancel(w.id())).isFalse();
        f.checkAll();
    }

    @Test
    void cancelBeforeTheHubRegisteredTheWatchSendsOnlyCanceled() {
        Watched w = f.watch(WatchRequest.key(b("a")));
        f.hub.cancel(w.id());
        f.settle();
        f.put("a", "1");
        f.settle();

        assertThat(w.responses()).extracting(WatchResponse::kind).containsExactly(Kind.CANCELED);
        f.checkAll();
    }

    @Test
    void aWatchCancelledWhileItsListenerIsNotReadyGetsCanceledOnResume() {
        Watched w = f.watch(WatchRequest.key(b("a")));
        w.listener().setReady(false);
        f.settle();
        f.put("a", "1");
        f.hub.cancel(w.id());
        f.settle();
        assertThat(w.responses()).isEmpty();

        w.listener().setReady(true);
        f.hub.resume(w.id());
        f.settle();
        assertThat(w.responses()).extracting(WatchResponse::kind)
                .containsExactly(Kind.CREATED, Kind.CANCELED);
        f.hub.resume(w.id());
        assertThat(f.delivery.isEmpty()).isTrue();
    }

    @Test
    void watchIdsAreUnique() {
        long first = f.watch(WatchRequest.key(b("a"))).id();
        long second = f.watch(WatchRequest.key(b("a"))).id();
        f.hub.cancel(first);
        long third = f.watch(WatchRequest.key(b("a"))).id();

        assertThat(List.of(first, second, third)).doesNotHaveDuplicates();
    }

    @Test
    void progressGoesToSyncedWatchesThatAskedForIt() {
        WatchFixture g = new WatchFixture(WatchFixture.config(1, 100));
        for (int i = 0; i < 4; i++) {
            g.put("a", "v" + i);
        }
        Watched asked = g.watch(WatchRequest.key(b("a")).withProgressNotify());
        Watched silent = g.watch(WatchRequest.key(b("a")));
        Watched behind = g.watch(WatchRequest.key(b("a")).fromRevision(2).withProgressNotify());
        behind.listener().setReady(false);
        g.settle();
        // behind has revision 2 queued and waits for room for 3: it is not synced.
        g.hub.progressNotify();
        g.settle();

        assertThat(asked.listener().ofKind(Kind.PROGRESS)).singleElement()
                .satisfies(r -> assertThat(r.revision()).isEqualTo(5));
        assertThat(silent.listener().ofKind(Kind.PROGRESS)).isEmpty();
        assertThat(behind.responses()).isEmpty();

        behind.listener().setReady(true);
        g.hub.resume(behind.id());
        g.settle();
        g.hub.progressNotify();
        g.settle();
        assertThat(behind.listener().last()).isEqualTo(WatchResponse.progress(behind.id(), 5));
        assertThat(behind.listener().eventRevisions()).containsExactly(2L, 3L, 4L, 5L);
        g.checkAll();
        g.close();
    }

    @Test
    void aRequestedProgressWaitsForACatchingUpWatchAndFollowsItsEvents() {
        WatchFixture g = new WatchFixture(WatchFixture.config(1, 100));
        for (int i = 0; i < 4; i++) {
            g.put("a", "v" + i);
        }
        Watched synced = g.watch(WatchRequest.key(b("a")));
        Watched behind = g.watch(WatchRequest.key(b("a")).fromRevision(2));
        behind.listener().setReady(false);
        g.settle();
        // Neither asked for progress notifications; a requested progress goes to both.
        g.hub.requestProgress(synced.id());
        g.hub.requestProgress(behind.id());
        g.settle();
        assertThat(synced.listener().last()).isEqualTo(WatchResponse.progress(synced.id(), 5));
        // behind has revision 2 queued and is not synced: its progress waits.
        assertThat(behind.responses()).isEmpty();

        behind.listener().setReady(true);
        g.hub.resume(behind.id());
        g.settle();
        assertThat(behind.listener().eventRevisions()).containsExactly(2L, 3L, 4L, 5L);
        assertThat(behind.listener().last()).isEqualTo(WatchResponse.progress(behind.id(), 5));
        g.put("a", "v5");
        g.hub.requestProgress(behind.id());
        g.settle();
        assertThat(behind.listener().last()).isEqualTo(WatchResponse.progress(behind.id(), 6));
        assertThat(behind.listener().ofKind(Kind.PROGRESS)).hasSize(2);
        g.checkAll();
        g.close();
    }

    @Test
    void aSecondProgressIsNotQueuedWhileOneIsPending() {
        Watched w = f.watch(WatchRequest.key(b("a")).withProgressNotify());
        f.settle();
        w.listener().setReady(false);
        f.hub.progressNotify();
        f.apply.runAll();
        f.hub.progressNotify();
        f.apply.runAll();
        w.listener().setReady(true);
        f.hub.resume(w.id());
        f.settle();

        assertThat(w.listener().ofKind(Kind.PROGRESS)).hasSize(1);
        f.checkAll();
    }

    @Test
    void aFailingListenerLosesItsWatch() {
        Watched w = f.watch(WatchRequest.key(b("a")));
        f.settle();
        w.listener().failFromNowOn();
        f.put("a", "1");
        f.settle();
        f.put("a", "2");
        f.apply.runAll();

        assertThat(f.delivery.isEmpty()).isTrue();
        assertThat(f.hub.cancel(w.id())).isFalse();
        assertThat(w.listener().ofKind(Kind.EVENTS)).isEmpty();
    }

    @Test
    void closeCancelsEveryWatchAndLaterCallsDoNothing() {
        Watched a = f.watch(WatchRequest.key(b("a")));
        Watched all = f.watch(WatchRequest.prefix(b("")));
        f.settle();
        f.hub.close();
        f.put("a", "1");
        f.hub.progressNotify();
        f.settle();

        for (Watched w : List.of(a, all)) {
            assertThat(w.responses()).extracting(WatchResponse::kind)
                    .containsExactly(Kind.CREATED, Kind.CANCELED);
            assertThat(w.listener().last().cancelReason()).isEqualTo(CancelReason.HUB_CLOSED);
        }
        assertThatThrownBy(() -> f.hub.watch(WatchRequest.key(b("a")), new RecordingListener()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aDirectDeliveryExecutorCallsTheListenerInline() throws IOException {
        try (MvccStore store = MvccStore.open(new InMemoryBackend())) {
            ManualExecutor apply = new ManualExecutor();
            WatchHub hub = new WatchHub(store, WatchConfig.defaults(), apply, Runnable::run);
            RecordingListener listener = new RecordingListener();
            hub.watch(WatchRequest.key(b("a")), listener);
            apply.runAll();
            hub.onApplied(2, store.put(1, PutRequest.of(b("a"), b("1"))).events());

            assertThat(listener.eventRevisions()).containsExactly(2L);
        }
    }

    @Test
    void appliedRevisionsMustFollowOneAnother() {
        f.put("a", "1");
        Event wrong = Event.newBuilder()
                .setKv(KeyValue.newBuilder().setKey(b("a")).setModRevision(7)).build();

        assertThatThrownBy(() -> f.hub.onApplied(4, List.of(wrong)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected revision 3");
        assertThatThrownBy(() -> f.hub.onApplied(3, List.of(wrong)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event of revision 7");
        assertThatThrownBy(() -> f.hub.onApplied(3, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requestsAreValidated() {
        assertThatThrownBy(() -> WatchRequest.key(b("")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> WatchRequest.key(b("a")).fromRevision(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> new WatchConfig(0, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bufferEventsMax");
    }
}
