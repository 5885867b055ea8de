package io.katd.kv;

import static io.katd.kv.KvCluster.b;
import static io.katd.kv.Waits.failure;
import static io.katd.kv.Waits.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.katd.kv.mvcc.InMemoryBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    @TempDir
    Path dir;

    @Test
    void putGetDeleteListAndTransactionsThroughAnyNode() {
        try (KvCluster c = KvCluster.inMemory(1, dir)) {
            long rev = get(c.store(2).put(b("/a/1"), b("one")));
            get(c.store(3).put(b("/a/2"), b("two")));
            get(c.store(1).put(b("/b"), b("other")));
            KV kv = get(c.store(3).get(b("/a/1"))).orElseThrow();
            assertThat(kv.value()).isEqualTo(b("one"));
            assertThat(kv.modRevision()).isEqualTo(rev);
            assertThat(kv.createRevision()).isEqualTo(rev);
            assertThat(kv.version()).isEqualTo(1);
            assertThat(get(c.store(1).list(b("/a/"))).stream().map(KV::key))
                    .containsExactly(b("/a/1"), b("/a/2"));
            assertThat(get(c.store(2).delete(b("/a/1")))).isTrue();
            assertThat(get(c.store(2).delete(b("/a/1")))).isFalse();
            assertThat(get(c.store(1).get(b("/a/1")))).isEmpty();

            TxnOutcome failed = get(c.store(3).doTransaction(
                    List.of(Compare.value(b("/b"), Compare.Operator.EQUAL, b("nope"))),
                    List.of(Op.put(b("/t"), b("then"))),
                    List.of(Op.put(b("/t"), b("else")), Op.getPrefix(b("/a/")))));
            assertThat(failed.succeeded()).isFalse();
            assertThat(failed.results()).hasSize(2);
            assertThat(failed.results().get(1).kvs()).extracting(KV::key)
                    .containsExactly(b("/a/2"));
            long modB = get(c.store(1).get(b("/b"))).orElseThrow().modRevision();
            TxnOutcome ok = get(c.store(2).doTransaction(
                    List.of(Compare.modRevision(b("/b"), Compare.Operator.EQUAL, modB)),
                    List.of(Op.delete(b("/b")), Op.put(b("/t"), b("then"))), List.of()));
            assertThat(ok.succeeded()).isTrue();
            assertThat(ok.results().get(0).deleted()).isEqualTo(1);
            assertThat(get(c.store(1).get(b("/t"))).orElseThrow().value()).isEqualTo(b("then"));
        }
    }

    @Test
    void linearizableReadOnAnotherNodeSeesACompletedWrite() {
        try (KvCluster c = KvCluster.inMemory(2, dir)) {
            for (int i = 0; i < 20; i++) {
                get(c.store(1).put(b("k"), b("v" + i)));
                long follower = 2 + (i % 2);
                assertThat(get(c.store(follower).get(b("k"))).orElseThrow().value())
                        .isEqualTo(b("v" + i));
            }
        }
    }

    @Test
    void serializableReadIsLocalAndWorksWithoutALeader() {
        try (KvCluster c = KvCluster.inMemory(3, dir)) {
            get(c.store(1).put(b("k"), b("v")));
            Waits.until("node 3 applied the write", () -> get(c.store(3).get(b("k"),
                    ReadConsistency.SERIALIZABLE)).isPresent());
            c.network.isolate(3, 1, 2);
            // Cut off, node 3 still answers serializable reads from its own state.
            assertThat(get(c.store(3).get(b("k"), ReadConsistency.SERIALIZABLE)))
                    .map(KV::value).contains(b("v"));
        }
    }

    @Test
    void watchFromAPastRevisionSeesExactlyTheHistory() {
        try (KvCluster c = KvCluster.inMemory(4, dir)) {
            long first = get(c.store(1).put(b("/w/a"), b("1")));
            get(c.store(1).put(b("/other"), b("x")));
            get(c.store(2).put(b("/w/b"), b("2")));
            get(c.store(3).delete(b("/w/a")));
            List<WatchEvent> seen = new ArrayList<>();
            WatchHandle h = c.store(3).watchPrefix(b("/w/"), first, events -> {
                synchronized (seen) {
                    seen.addAll(events);
                }
            });
            get(c.store(1).put(b("/w/c"), b("3")));
            Waits.until("4 events", () -> {
                synchronized (seen) {
                    return seen.size() >= 4;
                }
            });
            h.cancel();
            synchronized (seen) {
                assertThat(seen).extracting(e -> e.type() + " " + e.kv().key().toStringUtf8())
                        .containsExactly("PUT /w/a", "PUT /w/b", "DELETE /w/a", "PUT /w/c");
                assertThat(seen.get(0).revision()).isEqualTo(first);
                for (int i = 1; i < seen.size(); i++) {
                    assertThat(seen.get(i).revision()).isGreaterThan(seen.get(i - 1).revision());
                }
            }
        }
    }

    @Test
    void aFollowerBehindTheCompactedLogCatchesUpFromASnapshot() {
        try (KvCluster c = new KvCluster(6, dir, id -> new InMemoryBackend())) {
            c.snapshotThreshold = 10;
            c.snapshotKeepEntries = 2;
            c.startAll();
            c.elect(1);
            c.network.isolate(3, 1, 2);
            for (int i = 0; i < 40; i++) {
                get(c.store(1 + i % 2).put(b("/s/" + i), b("v" + i)));
            }
            long nodeThreeLast = c.logs.get(3L).lastIndex();
            // The leader's log no longer holds what node 3 lacks: only a snapshot helps.
            assertThat(c.logs.get(1L).firstIndex()).isGreaterThan(nodeThreeLast + 1);
            c.network.heal();
            // A slow machine may have let node 3's election timer run out while it was cut
            // off; its read needs a known leader.
            Waits.until("node 3 knows a leader",
                    () -> c.nodes.get(3L).status().softState().lead() != 0);
            List<KV> caughtUp = get(c.store(3).list(b("/s/")));
            assertThat(caughtUp).hasSize(40);
            assertThat(get(c.store(3).get(b("/s/39"))).orElseThrow().value()).isEqualTo(b("v39"));
        }
    }

    @Test
    void watchesDeliverPreviousValuesAndProgressOnRequest() {
        try (KvCluster c = KvCluster.inMemory(7, dir)) {
            long first = get(c.store(1).put(b("/p/a"), b("1")));
            List<WatchEvent> withPrev = new ArrayList<>();
            List<WatchEvent> without = new ArrayList<>();
            List<Long> progress = new ArrayList<>();
            c.store(2).watch(b("/p/"), first + 1, WatchOptions.prefixed().withPrevKv()
                    .withProgressNotify(), new WatchListener() {
                        @Override
                        public void onEvents(List<WatchEvent> events) {
                            synchronized (withPrev) {
                                withPrev.addAll(events);
                            }
                        }

                        @Override
                        public void onProgress(long revision) {
                            synchronized (progress) {
                                progress.add(revision);
                            }
                        }
                    });
            c.store(2).watch(b("/p/a"), first + 1, events -> {
                synchronized (without) {
                    without.addAll(events);
                }
            });
            get(c.store(1).put(b("/p/a"), b("2")));
            assertThat(get(c.store(3).delete(b("/p/a")))).isTrue();
            Waits.until("both watches saw 2 events", () -> {
                synchronized (withPrev) {
                    synchronized (without) {
                        return withPrev.size() >= 2 && without.size() >= 2;
                    }
                }
            });
            synchronized (withPrev) {
                assertThat(withPrev.get(0).prevKv().orElseThrow().value()).isEqualTo(b("1"));
                assertThat(withPrev.get(1).type()).isEqualTo(EventType.DELETE);
                assertThat(withPrev.get(1).prevKv().orElseThrow().value()).isEqualTo(b("2"));
            }
            synchronized (without) {
                assertThat(without).allSatisfy(e -> assertThat(e.prevKv()).isEmpty());
            }
            // The delete is the latest revision, and node 2 applied it: its watch saw it.
            long current;
            synchronized (withPrev) {
                current = withPrev.get(1).revision();
            }
            c.store(2).requestProgress();
            Waits.until("a progress notification", () -> {
                synchronized (progress) {
                    return !progress.isEmpty();
                }
            });
            synchronized (progress) {
                assertThat(progress.get(0)).isEqualTo(current);
            }
        }
    }

    @Test
    void compactionMakesOlderRevisionsUnwatchable() {
        try (KvCluster c = KvCluster.inMemory(4, dir)) {
            long first = get(c.store(1).put(b("/c/a"), b("1")));
            long second = get(c.store(2).put(b("/c/a"), b("2")));
            assertThat(get(c.store(3).compact(second))).isEqualTo(second);
            assertThat(failure(c.store(1).compact(first)))
                    .isInstanceOf(CompactedRevisionException.class);
            assertThat(failure(c.store(1).compact(second + 100)))
                    .isInstanceOf(InvalidRequestException.class);
            List<StoreException> ended = new ArrayList<>();
            c.store(2).watch(b("/c/a"), first, new WatchListener() {
                @Override
                public void onEvents(List<WatchEvent> events) {
                    throw new AssertionError("events from a compacted revision: " + events);
                }

                @Override
                public void onEnded(StoreException cause) {
                    synchronized (ended) {
                        ended.add(cause);
                    }
                }
            });
            Waits.until("the watch ended", () -> {
                synchronized (ended) {
                    return !ended.isEmpty();
                }
            });
            synchronized (ended) {
                assertThat(ended.get(0)).isInstanceOf(CompactedRevisionException.class);
            }
            // The latest version survives compaction on every member.
            for (int id = 1; id <= 3; id++) {
                assertThat(get(c.store(id).get(b("/c/a"))).orElseThrow().value())
                        .isEqualTo(b("2"));
            }
        }
    }

    @Test
    void leasesGrantAttachRevokeAndExpireOnTheLeader() {
        try (KvCluster c = KvCluster.inMemory(5, dir)) {
            long lease = get(c.store(2).grantLease(Duration.ofSeconds(5)));
            get(c.store(3).put(b("/l/1"), b("a"), lease));
            get(c.store(1).put(b("/l/2"), b("b"), lease));
            assertThat(get(c.store(2).get(b("/l/1"))).orElseThrow().lease()).isEqualTo(lease);
            assertThat(failure(c.store(1).put(b("/x"), b("x"), 9999)))
                    .isInstanceOf(NoSuchLeaseException.class);
            assertThat(get(c.store(2).keepAlive(lease))).isEqualTo(5);
            assertThat(get(c.store(1).keepAlive(lease))).isEqualTo(5);
            assertThat(failure(c.store(3).keepAlive(9999)))
                    .isInstanceOf(NoSuchLeaseException.class);
            get(c.store(3).revokeLease(lease));
            assertThat(get(c.store(2).list(b("/l/")))).isEmpty();
            assertThat(failure(c.store(1).revokeLease(lease)))
                    .isInstanceOf(NoSuchLeaseException.class);

            long expiring = get(c.store(3).grantLease(Duration.ofSeconds(10)));
            get(c.store(2).put(b("/e"), b("e"), expiring));
            c.leaseClocks.get(1L).advance(Duration.ofSeconds(9));
            assertThat(get(c.store(1).get(b("/e")))).isPresent();
            c.leaseClocks.get(1L).advance(Duration.ofSeconds(2));
            Waits.until("the leader revoked the expired lease",
                    () -> get(c.store(3).get(b("/e"))).isEmpty());
            assertThat(c.machine(2).lease(expiring)).isEmpty();
        }
    }

    @Test
    void aKeepAliveThroughAFollowerRenewsTheLeadersDeadline() {
        try (KvCluster c = KvCluster.inMemory(8, dir)) {
            long lease = get(c.store(1).grantLease(Duration.ofSeconds(10)));
            get(c.store(1).put(b("/k"), b("k"), lease));
            c.leaseClocks.get(1L).advance(Duration.ofSeconds(9));
            LeaseInfo before = get(c.store(1).timeToLive(lease));
            assertThat(before.grantedTtlSeconds()).isEqualTo(10);
            assertThat(before.remainingTtlSeconds()).isEqualTo(1);
            assertThat(before.keys()).containsExactly(b("/k"));
            assertThat(failure(c.store(2).timeToLive(lease)))
                    .isInstanceOf(NotLeaderException.class);
            assertThat(get(c.store(3).keepAlive(lease))).isEqualTo(10);
            assertThat(get(c.store(1).timeToLive(lease)).remainingTtlSeconds()).isEqualTo(10);
            // 18 s after the grant, but only 9 s after the renewal.
            c.leaseClocks.get(1L).advance(Duration.ofSeconds(9));
            assertThat(get(c.store(2).get(b("/k")))).isPresent();
            c.leaseClocks.get(1L).advance(Duration.ofSeconds(2));
            Waits.until("the leader revoked the lease",
                    () -> get(c.store(2).get(b("/k"))).isEmpty());
        }
    }

    @Test
    void leasesSurviveALeaderChangeAndExpireUnderTheNewLeader() {
        try (KvCluster c = KvCluster.inMemory(6, dir)) {
            long lease = get(c.store(1).grantLease(Duration.ofSeconds(10)));
            get(c.store(1).put(b("/s"), b("s"), lease));
            c.nodes.get(1L).transferLeadership(2);
            c.awaitLeader(2, KvCluster.IDS);
            assertThat(get(c.store(2).keepAlive(lease))).isEqualTo(10);
            c.leaseClocks.get(2L).advance(Duration.ofSeconds(11));
            Waits.until("the new leader revoked the lease",
                    () -> get(c.store(1).get(b("/s"))).isEmpty());
        }
    }

    @Test
    void getLeaderNamesTheLeaderAndItsTerm() {
        try (KvCluster c = KvCluster.inMemory(7, dir)) {
            Waits.until("the leader recorded itself",
                    () -> get(c.store(2).getLeader()).isPresent());
            assertThat(get(c.store(3).getLeader())).contains(
                    new LeaderInfo("member-1", 1, c.term(1)));
            c.nodes.get(1L).transferLeadership(3);
            c.awaitLeader(3, KvCluster.IDS);
            Waits.until("node 3 recorded itself", () -> get(c.store(1).getLeader())
                    .map(LeaderInfo::nodeId).equals(Optional.of(3L)));
            assertThat(get(c.store(2).getLeader()).orElseThrow().term()).isEqualTo(c.term(3));
        }
    }
}
