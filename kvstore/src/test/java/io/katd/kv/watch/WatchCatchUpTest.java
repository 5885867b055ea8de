package io.katd.kv.watch;

import static io.katd.kv.watch.WatchFixture.b;
import static org.assertj.core.api.Assertions.assertThat;

import io.katd.kv.mvcc.InMemoryBackend;
import io.katd.kv.mvcc.MvccStore;
import io.katd.kv.mvcc.PutRequest;
import io.katd.kv.watch.WatchFixture.Watched;
import io.katd.kv.watch.WatchResponse.Kind;
import io.katd.proto.etcd.mvccpb.Event;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watches that read history: from a past start revision, after overflowing their buffer, after
 * a reconnect, after a snapshot restore; and what compaction does to each.
 */
class WatchCatchUpTest {

    @Test
    void aWatchFromThePastCatchesUpAndThenTakesLiveWrites() {
        WatchFixture f = new WatchFixture(WatchFixture.config(100, 100));
        for (int i = 0; i < 5; i++) {
            f.put("a", "v" + i);
        }
        Watched w = f.watch(WatchRequest.key(b("a")).fromRevision(3).withPrevKv());
        f.settle();
        f.put("a", "live");
        f.settle();

        assertThat(w.listener().eventRevisions()).containsExactly(3L, 4L, 5L, 6L, 7L);
        assertThat(f.hub.stats().caughtUp()).isEqualTo(1);
        f.checkAll();
    }

    @Test
    void aStartRevisionAtOrBelowTheCompactedOneIsRefusedWithThatRevision() {
        WatchFixture f = new WatchFixture(WatchFixture.config(100, 100));
        for (int i = 0; i < 5; i++) {
            f.put("a", "v" + i);
        }
        f.compact(4);
        Watched atCompaction = f.watch(WatchRequest.key(b("a")).fromRevision(4));
        Watched below = f.watch(WatchRequest.key(b("a")).fromRevision(2));
        Watched firstUsable = f.watch(WatchRequest.key(b("a")).fromRevision(5));
        f.settle();

        for (Watched refused : List.of(atCompaction, below)) {
            assertThat(refused.responses()).extracting(WatchResponse::kind)
                    .containsExactly(Kind.CREATED, Kind.CANCELED);
            WatchResponse canceled = refused.listener().last();
            assertThat(canceled.cancelReason()).isEqualTo(CancelReason.COMPACTED);
            assertThat(canceled.compactRevision()).isEqualTo(4);
            assertThat(canceled.cancelMessage()).contains("compacted up to revision 4")
                    .contains("oldest revision a watch can start from is 5");
        }
        assertThat(firstUsable.listener().eventRevisions()).containsExactly(5L, 6L);
        f.checkAll();
    }

    /**
     * The switch from history to live delivery is where gaps and duplicates come from: here a
     * write lands between every two catch-up steps, and each step reads only a few revisions.
     */
    @Test
    void catchingUpWhileWritesKeepComingLosesAndRepeatsNothing() {
        WatchFixture f = new WatchFixture(WatchFixture.config(100, 3));
        for (int i = 0; i < 10; i++) {
            f.put(i % 2 == 0 ? "a" : "b", "old" + i);
        }
        Watched all = f.watch(WatchRequest.prefix(b("")).fromRevision(2).withPrevKv());
        Watched single = f.watch(WatchRequest.key(b("a")).fromRevision(3));
        int round = 0;
        while (f.hub.stats().caughtUp() < 2) {
            f.apply.run(1);
            f.put(round % 2 == 0 ? "a" : "b", "new" + round);
            if (round % 3 == 0) {
                f.delivery.runAll();
            }
            for (Watched w : f.watches) {
                f.checker().check(w.request(), w.responses(), false);
            }
            round++;
            assertThat(round).as("rounds to catch up").isLessThan(200);
        }
        f.settle();
        f.put("a", "after");
        f.settle();

        assertThat(f.hub.stats().catchUpReads()).isGreaterThan(5);
        assertThat(all.listener().eventRevisions()).hasSize(f.truth.revisions().size());
        assertThat(single.listener().eventRevisions()).isNotEmpty();
        f.checkAll();
    }

    @Test
    void aSlowWatcherFallsBackToHistoryAndThenTakesLiveWritesAgain() {
        WatchFixture f = new WatchFixture(WatchFixture.config(4, 100));
        Watched slow = f.watch(WatchRequest.key(b("a")).withPrevKv());
        Watched fast = f.watch(WatchRequest.key(b("a")).withPrevKv());
        f.settle();
        slow.listener().setReady(false);
        for (int i = 0; i < 10; i++) {
            f.put("a", "v" + i);
            f.delivery.runAll();
        }

        assertThat(f.hub.stats().overflows()).isEqualTo(1);
        assertThat(fast.listener().eventRevisions()).hasSize(10);
        assertThat(slow.listener().eventRevisions()).isEmpty();

        slow.listener().setReady(true);
        f.hub.resume(slow.id());
        f.settle();
        assertThat(slow.listener().eventRevisions())
                .containsExactlyElementsOf(fast.listener().eventRevisions());
        long reads = f.hub.stats().catchUpReads();
        f.put("a", "live");
        f.settle();
        assertThat(f.hub.stats().catchUpReads()).as("history reads once live again")
                .isEqualTo(reads);
        assertThat(slow.listener().eventRevisions()).hasSize(11);
        f.checkAll();
    }

    @Test
    void aListenerThatNeverDrainsHoldsNoMoreThanItsBuffer() {
        WatchFixture f = new WatchFixture(WatchFixture.config(3, 100));
        Watched stuck = f.watch(WatchRequest.prefix(b("")));
        f.settle();
        stuck.listener().setReady(false);
        for (int i = 0; i < 200; i++) {
            f.put("k" + (i % 7), "v" + i);
            f.settle();
        }
        stuck.listener().setReady(true);
        f.hub.resume(stuck.id());
        f.delivery.runAll();

        assertThat(stuck.listener().eventRevisions()).containsExactly(2L, 3L, 4L);
        assertThat(f.hub.stats().overflows()).isEqualTo(1);
        f.settle();
        f.checkAll();
    }

    @Test
    void anOverflowedWatcherWhoseHistoryIsCompactedGetsItsPrefixThenCompacted() {
        WatchFixture f = new WatchFixture(WatchFixture.config(2, 100));
        Watched w = f.watch(WatchRequest.key(b("a")));
        f.settle();
        w.listener().setReady(false);
        for (int i = 0; i < 6; i++) {
            f.put("a", "v" + i);
        }
        f.compact(6);
        w.listener().setReady(true);
        f.hub.resume(w.id());
        f.settle();

        assertThat(w.listener().eventRevisions()).containsExactly(2L, 3L);
        WatchResponse canceled = w.listener().last();
        assertThat(canceled.cancelReason()).isEqualTo(CancelReason.COMPACTED);
        assertThat(canceled.compactRevision()).isEqualTo(6);
        assertThat(f.hub.stats().compactedCancels()).isEqualTo(1);
        f.checkAll();
    }

    @Test
    void aCompactionBelowWhatAnOverflowedWatcherNeedsLeavesItAlone() {
        WatchFixture f = new WatchFixture(WatchFixture.config(2, 100));
        Watched w = f.watch(WatchRequest.key(b("a")));
        f.settle();
        w.listener().setReady(false);
        for (int i = 0; i < 6; i++) {
            f.put("a", "v" + i);
        }
        f.compact(3);
        w.listener().setReady(true);
        f.hub.resume(w.id());
        f.settle();

        assertThat(w.listener().eventRevisions()).containsExactly(2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(f.hub.stats().compactedCancels()).isZero();
        f.checkAll();
    }

    @Test
    void aClientThatResumesAfterItsLastSeenRevisionSeesExactlyTheRest() {
        WatchFixture f = new WatchFixture(WatchFixture.config(100, 100));
        Watched first = f.watch(WatchRequest.prefix(b("")).withPrevKv());
        f.settle();
        for (int i = 0; i < 5; i++) {
            f.put(i % 2 == 0 ? "a" : "b", "v" + i);
        }
        f.settle();
        List<Long> seen = first.listener().eventRevisions();
        f.hub.cancel(first.id());
        f.put("a", "while away");
        f.delete("b");
        Watched resumed = f.watch(WatchRequest.prefix(b("")).withPrevKv()
                .fromRevision(seen.get(seen.size() - 1) + 1));
        f.settle();
        f.put("c", "live");
        f.settle();

        List<Event> received = new ArrayList<>();
        for (Watched w : List.of(first, resumed)) {
            w.listener().ofKind(Kind.EVENTS).forEach(r -> received.addAll(r.events()));
        }
        assertThat(received).isEqualTo(f.truth.all());
        f.checkAll();
    }

    @Test
    void resumingBelowTheCompactedRevisionIsRefusedAndTheFirstUsableOneWorks() {
        WatchFixture f = new WatchFixture(WatchFixture.config(100, 100));
        for (int i = 0; i < 8; i++) {
            f.put("a", "v" + i);
        }
        f.compact(8);
        Watched refused = f.watch(WatchRequest.key(b("a")).fromRevision(7));
        f.settle();
        long firstUsable = refused.listener().last().compactRevision() + 1;
        Watched resumed = f.watch(WatchRequest.key(b("a")).fromRevision(firstUsable));
        f.settle();

        assertThat(refused.listener().last().cancelReason()).isEqualTo(CancelReason.COMPACTED);
        assertThat(resumed.listener().eventRevisions()).containsExactly(9L);
        f.checkAll();
    }

    @Test
    void afterASnapshotRestoreWatchesCatchUpFromTheRestoredHistory(@TempDir Path dir)
            throws IOException {
        WatchFixture f = new WatchFixture(WatchFixture.config(100, 100));
        Watched all = f.watch(WatchRequest.prefix(b("")).withPrevKv());
        Watched future = f.watch(WatchRequest.key(b("a")).fromRevision(20));
        f.settle();
        leaderAhead(f, dir, 0);
        f.settle();
        f.put("a", "live");
        f.settle();

        assertThat(all.listener().eventRevisions()).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(future.listener().eventRevisions()).isEmpty();
        f.checkAll();
    }

    @Test
    void aRestoreThatDropsTheHistoryAWatchNeedsCancelsIt(@TempDir Path dir) throws IOException {
        WatchFixture f = new WatchFixture(WatchFixture.config(100, 100));
        Watched all = f.watch(WatchRequest.prefix(b("")));
        f.settle();
        leaderAhead(f, dir, 6);
        f.settle();

        assertThat(all.listener().eventRevisions()).containsExactly(2L, 3L, 4L);
        assertThat(all.listener().last().compactRevision()).isEqualTo(6);
        f.checkAll();
    }

    /**
     * Writes revisions 2..4 to the fixture and to a leader store, 5..8 to the leader only, then
     * restores the fixture from the leader's snapshot; the leader compacts at
     * {@code compactAt} first unless it is 0.
     */
    private static void leaderAhead(WatchFixture f, Path dir, long compactAt) throws IOException {
        try (MvccStore leader = MvccStore.open(new InMemoryBackend())) {
            long index = 0;
            for (int i = 0; i < 7; i++) {
                String key = i % 2 == 0 ? "a" : "b";
                if (i < 3) {
                    f.put(key, "v" + i);
                }
                List<Event> events = leader.put(++index, PutRequest.of(b(key), b("v" + i)))
                        .events();
                if (i >= 3) {
                    f.truth.record(events);
                }
            }
            if (compactAt != 0) {
                leader.compact(++index, compactAt);
                f.truth.recordCompaction(compactAt);
            }
            leader.snapshot(dir.resolve("snapshot"));
        }
        f.restore(dir.resolve("snapshot"));
    }
}
