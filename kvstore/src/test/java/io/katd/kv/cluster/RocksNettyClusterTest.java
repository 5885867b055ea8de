package io.katd.kv.cluster;

import static io.katd.kv.cluster.RocksNettyCluster.b;
import static io.katd.kv.Waits.failure;
import static io.katd.kv.Waits.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.katd.kv.Compare;
import io.katd.kv.FencedWriteException;
import io.katd.kv.KV;
import io.katd.kv.LeaderInfo;
import io.katd.kv.Leadership;
import io.katd.kv.NoSuchLeaseException;
import io.katd.kv.Op;
import io.katd.kv.ReadConsistency;
import io.katd.kv.StateStore;
import io.katd.kv.TxnOutcome;
import io.katd.kv.Waits;
import io.katd.kv.WatchEvent;
import io.katd.kv.WatchHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The store end to end on the production storage and transport: RocksDB for the Raft log and
 * the MVCC store, Netty on loopback sockets between the nodes.
 */
class RocksNettyClusterTest {
    private static final Duration TTL = Duration.ofSeconds(30);

    @Test
    void everyOperationWorksThroughAnyNode() {
        try (RocksNettyCluster c = RocksNettyCluster.started(41)) {
            long rev = get(c.store(2).put(b("/a/1"), b("one")));
            get(c.store(3).put(b("/a/2"), b("two")));
            KV kv = get(c.store(3).get(b("/a/1"))).orElseThrow();
            assertThat(kv.value()).isEqualTo(b("one"));
            assertThat(kv.modRevision()).isEqualTo(rev);
            assertThat(get(c.store(1).list(b("/a/")))).extracting(KV::key)
                    .containsExactly(b("/a/1"), b("/a/2"));
            assertThat(get(c.store(2).delete(b("/a/1")))).isTrue();
            assertThat(get(c.store(3).delete(b("/a/1")))).isFalse();
            assertThat(get(c.store(1).get(b("/a/1")))).isEmpty();

            long modA2 = get(c.store(1).get(b("/a/2"))).orElseThrow().modRevision();
            TxnOutcome ok = get(c.store(3).doTransaction(
                    List.of(Compare.modRevision(b("/a/2"), Compare.Operator.EQUAL, modA2)),
                    List.of(Op.delete(b("/a/2")), Op.put(b("/t"), b("then"))),
                    List.of(Op.put(b("/t"), b("else")))));
            assertThat(ok.succeeded()).isTrue();
            assertThat(ok.results().get(0).deleted()).isEqualTo(1);
            TxnOutcome failed = get(c.store(2).doTransaction(
                    List.of(Compare.value(b("/t"), Compare.Operator.EQUAL, b("nope"))),
                    List.of(), List.of(Op.getPrefix(b("/t")))));
            assertThat(failed.succeeded()).isFalse();
            assertThat(failed.results().get(0).kvs()).extracting(KV::value)
                    .containsExactly(b("then"));

            watchSeesWritesFromAnotherNode(c);
            leasesGrantAndRevoke(c);

            Leadership l = get(c.store(1).campaign("sched-a", TTL));
            assertThat(l.term()).isEqualTo(c.term(1));
            assertThat(get(c.store(3).getLeader())).contains(new LeaderInfo("sched-a", 1,
                    l.term()));
            assertThat(get(l.put(b("/job"), b("1")))).isPositive();
        }
    }

    private static void watchSeesWritesFromAnotherNode(RocksNettyCluster c) {
        List<WatchEvent> seen = new ArrayList<>();
        WatchHandle h = c.store(3).watchPrefix(b("/w/"), 0, events -> {
            synchronized (seen) {
                seen.addAll(events);
            }
        });
        get(c.store(1).put(b("/w/a"), b("1")));
        get(c.store(2).delete(b("/w/a")));
        Waits.until("2 watch events", () -> {
            synchronized (seen) {
                return seen.size() >= 2;
            }
        });
        h.cancel();
        synchronized (seen) {
            assertThat(seen).extracting(e -> e.type() + " " + e.kv().key().toStringUtf8())
                    .containsExactly("PUT /w/a", "DELETE /w/a");
        }
    }

    private static void leasesGrantAndRevoke(RocksNettyCluster c) {
        long lease = get(c.store(2).grantLease(Duration.ofSeconds(60)));
        get(c.store(3).put(b("/l/1"), b("a"), lease));
        get(c.store(1).put(b("/l/2"), b("b"), lease));
        assertThat(get(c.store(2).get(b("/l/1"))).orElseThrow().lease()).isEqualTo(lease);
        get(c.store(3).revokeLease(lease));
        assertThat(get(c.store(2).list(b("/l/")))).isEmpty();
        assertThat(failure(c.store(1).revokeLease(lease)))
                .isInstanceOf(NoSuchLeaseException.class);
    }

    @Test
    void aDeposedLeaderIsFencedAndKillingTheLeaderMovesLeadership() {
        try (RocksNettyCluster c = RocksNettyCluster.started(42)) {
            Leadership old = get(c.store(1).campaign("a", TTL));
            CompletableFuture<Leadership> pending2 = c.store(2).campaign("b", TTL);
            c.nodes.get(1L).transferLeadership(2);
            Leadership second = get(pending2);
            get(old.lost());
            assertThat(second.term()).isGreaterThan(old.term());
            // Node 1 still runs, as a follower: it forwards the write into node 2's term,
            // where the fence of the older term rejects it.
            assertThat(failure(old.put(b("/fenced"), b("late"))))
                    .isInstanceOf(FencedWriteException.class);
            get(second.put(b("/fenced"), b("successor")));

            c.kill(2);
            CompletableFuture<Leadership> pending1 = c.store(1).campaign("a2", TTL);
            CompletableFuture<Leadership> pending3 = c.store(3).campaign("c", TTL);
            // Fast clocks on the survivors: their election timeout passes without waiting.
            c.setSpeed(50, 1, 3);
            Leadership third = (Leadership) get(CompletableFuture.anyOf(pending1, pending3));
            c.setSpeed(1, 1, 3);
            long leader = pending1.isDone() && pending1.join() == third ? 1 : 3;
            assertThat(third.term()).isGreaterThan(second.term());
            assertThat(get(c.store(leader).getLeader())).contains(
                    new LeaderInfo(third.leaderId(), leader, third.term()));
            get(third.put(b("/after"), b("x")));
            long other = leader == 1 ? 3 : 1;
            assertThat(get(c.store(other).get(b("/fenced")))).map(KV::value)
                    .contains(b("successor"));
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesARestartOfEveryNodeFromDisk() {
        try (RocksNettyCluster c = RocksNettyCluster.started(43)) {
            Map<ByteString, ByteString> acked = new LinkedHashMap<>();
            for (int i = 0; i < 60; i++) {
                long via = RocksNettyCluster.IDS[i % 3];
                ByteString key = b("/d/" + i);
                ByteString value = b("v" + i);
                get(c.store(via).put(key, value));
                acked.put(key, value);
            }
            get(c.store(2).delete(b("/d/0")));
            acked.remove(b("/d/0"));

            c.restartAll();
            c.elect(3);
            for (long id : RocksNettyCluster.IDS) {
                List<KV> all = get(c.store(id).list(b("/d/")));
                Map<ByteString, ByteString> found = new LinkedHashMap<>();
                for (KV kv : all) {
                    found.put(kv.key(), kv.value());
                }
                assertThat(found).isEqualTo(acked);
            }
            get(c.store(1).put(b("/d/new"), b("after")));
            assertThat(get(c.store(2).get(b("/d/new")))).map(KV::value).contains(b("after"));
        }
    }

    @Test
    void anExpiredLeaseDeletesItsKeysOnEveryNode() {
        try (RocksNettyCluster c = RocksNettyCluster.started(44)) {
            long lease = get(c.store(3).grantLease(Duration.ofSeconds(10)));
            get(c.store(2).put(b("/e/1"), b("a"), lease));
            get(c.store(3).put(b("/e/2"), b("b"), lease));
            get(c.store(1).put(b("/e/keep"), b("k")));
            // Only the leader (node 1) holds lease deadlines, on its own lease clock.
            c.leaseClocks.get(1L).advance(Duration.ofSeconds(9));
            assertThat(get(c.store(2).list(b("/e/")))).hasSize(3);
            c.leaseClocks.get(1L).advance(Duration.ofSeconds(2));
            Waits.until("the leader revoked the expired lease",
                    () -> get(c.store(2).list(b("/e/"))).size() == 1);
            for (long id : RocksNettyCluster.IDS) {
                StateStore s = c.store(id);
                // A linearizable read as barrier: it returns once this node has applied
                // everything committed before it, the revocation included, so the local
                // reads below must show the keys gone.
                get(s.get(b("/e/keep")));
                assertThat(get(s.list(b("/e/"), ReadConsistency.SERIALIZABLE)))
                        .extracting(KV::key).containsExactly(b("/e/keep"));
                assertThat(c.machines.get(id).lease(lease)).isEmpty();
            }
        }
    }
}
