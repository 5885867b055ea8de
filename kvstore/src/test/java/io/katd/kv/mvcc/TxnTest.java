package io.katd.kv.mvcc;

import static io.katd.kv.mvcc.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.kv.mvcc.Compare.Result;
import io.katd.proto.etcd.mvccpb.Event;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TxnTest extends StoreFixture {

    @BeforeEach
    void fill() throws Exception {
        put("a", "1");                                                  // rev 2
        store.put(nextIndex(), PutRequest.of(b("b"), b("x")).withLease(9)); // rev 3
        put("a", "2");                                                  // rev 4
    }

    private boolean holds(Compare compare) throws Exception {
        return txn(new TxnRequest(List.of(compare), List.of(), List.of())).result().succeeded();
    }

    @Test
    void comparesOnEachTargetWithEachOperator() throws Exception {
        assertThat(holds(Compare.value(b("a"), Result.EQUAL, b("2")))).isTrue();
        assertThat(holds(Compare.value(b("a"), Result.NOT_EQUAL, b("2")))).isFalse();
        assertThat(holds(Compare.value(b("a"), Result.LESS, b("3")))).isTrue();
        assertThat(holds(Compare.value(b("a"), Result.GREATER, b("10")))).isTrue();
        assertThat(holds(Compare.version(b("a"), Result.EQUAL, 2))).isTrue();
        assertThat(holds(Compare.version(b("a"), Result.GREATER, 2))).isFalse();
        assertThat(holds(Compare.createRevision(b("a"), Result.EQUAL, 2))).isTrue();
        assertThat(holds(Compare.modRevision(b("a"), Result.LESS, 4))).isFalse();
        assertThat(holds(Compare.modRevision(b("a"), Result.NOT_EQUAL, 3))).isTrue();
        assertThat(holds(Compare.lease(b("b"), Result.EQUAL, 9))).isTrue();
        assertThat(holds(Compare.lease(b("a"), Result.GREATER, 0))).isFalse();
    }

    @Test
    void missingKeysCompareAsZeroButHaveNoValue() throws Exception {
        assertThat(holds(Compare.version(b("nope"), Result.EQUAL, 0))).isTrue();
        assertThat(holds(Compare.createRevision(b("nope"), Result.EQUAL, 0))).isTrue();
        assertThat(holds(Compare.value(b("nope"), Result.EQUAL, b("")))).isFalse();
        assertThat(holds(Compare.value(b("nope"), Result.NOT_EQUAL, b("x")))).isFalse();
    }

    @Test
    void rangeComparesMustHoldForEveryKeyInTheRange() throws Exception {
        Compare versionOne = Compare.version(b("a"), Result.EQUAL, 1).withRangeEnd(b("c"));
        assertThat(holds(versionOne)).isFalse();
        Compare positive = Compare.version(b("a"), Result.GREATER, 0).withRangeEnd(b("c"));
        assertThat(holds(positive)).isTrue();
    }

    @Test
    void txnThatOnlyReadsCreatesNoRevisionButRecordsTheRaftIndex() throws Exception {
        Applied<TxnResult> applied = txn(new TxnRequest(List.of(),
                List.of(RangeRequest.single(b("a"))), List.of()));
        assertThat(applied.result().succeeded()).isTrue();
        assertThat(applied.result().revision()).isEqualTo(4);
        assertThat(applied.events()).isEmpty();
        assertThat(store.currentRevision()).isEqualTo(4);
        assertThat(store.appliedIndex()).isEqualTo(raftIndex);
    }

    @Test
    void severalWritesAreOneRevisionWithSubRevisionOrderedEvents() throws Exception {
        Applied<TxnResult> applied = txn(new TxnRequest(
                List.of(Compare.value(b("a"), Result.EQUAL, b("2"))),
                List.of(PutRequest.of(b("c"), b("new")),
                        DeleteRangeRequest.single(b("b")),
                        PutRequest.of(b("a"), b("3"))),
                List.of()));
        assertThat(applied.result().revision()).isEqualTo(5);
        assertThat(store.currentRevision()).isEqualTo(5);
        assertThat(applied.events()).extracting(e -> e.getKv().getKey().toStringUtf8())
                .containsExactly("c", "b", "a");
        assertThat(applied.events()).extracting(e -> e.getKv().getModRevision())
                .containsOnly(5L);
        assertThat(get("a").getVersion()).isEqualTo(3);
        assertThat(get("b")).isNull();
        assertThat(get("c").getCreateRevision()).isEqualTo(5);
    }

    @Test
    void failedComparesRunTheFailureBranch() throws Exception {
        Applied<TxnResult> applied = txn(new TxnRequest(
                List.of(Compare.value(b("a"), Result.EQUAL, b("wrong"))),
                List.of(PutRequest.of(b("a"), b("success"))),
                List.of(PutRequest.of(b("a"), b("failure")))));
        assertThat(applied.result().succeeded()).isFalse();
        assertThat(get("a").getValue()).isEqualTo(b("failure"));
    }

    @Test
    void readsInsideATxnSeeItsEarlierWrites() throws Exception {
        Applied<TxnResult> applied = txn(new TxnRequest(List.of(), List.of(
                RangeRequest.single(b("a")),
                PutRequest.of(b("a"), b("3")),
                RangeRequest.single(b("a")),
                PutRequest.of(b("a"), b("4")).withPrevKv(),
                DeleteRangeRequest.single(b("a")).withPrevKv(),
                RangeRequest.single(b("a")),
                RangeRequest.single(b("a")).atRevision(4)), List.of()));
        List<TxnOpResult> results = applied.result().results();
        assertThat(((RangeResult) results.get(0)).kvs().get(0).getValue()).isEqualTo(b("2"));
        assertThat(((RangeResult) results.get(0)).revision()).isEqualTo(4);
        KeyValue seen = ((RangeResult) results.get(2)).kvs().get(0);
        assertThat(seen.getValue()).isEqualTo(b("3"));
        assertThat(seen.getVersion()).isEqualTo(3);
        assertThat(((RangeResult) results.get(2)).revision()).isEqualTo(5);
        assertThat(((PutResult) results.get(3)).prevKv().orElseThrow().getValue())
                .isEqualTo(b("3"));
        assertThat(((DeleteRangeResult) results.get(4)).prevKvs().get(0).getVersion())
                .isEqualTo(4);
        assertThat(((RangeResult) results.get(5)).kvs()).isEmpty();
        assertThat(((RangeResult) results.get(6)).kvs().get(0).getValue()).isEqualTo(b("2"));

        assertThat(applied.events()).extracting(Event::getType).containsExactly(
                Event.EventType.PUT, Event.EventType.PUT, Event.EventType.DELETE);
        assertThat(get("a")).isNull();
        assertThat(store.currentRevision()).isEqualTo(5);
    }

    @Test
    void nestedTxnsRunOnTheChosenPathWithComparesAgainstThePreTxnState() throws Exception {
        // The outer put makes a=3, but the nested compare still sees a=2, as in etcd.
        TxnRequest nested = new TxnRequest(
                List.of(Compare.value(b("a"), Result.EQUAL, b("2"))),
                List.of(PutRequest.of(b("n"), b("saw-old-a"))),
                List.of(PutRequest.of(b("n"), b("saw-new-a"))));
        Applied<TxnResult> applied = txn(new TxnRequest(List.of(),
                List.of(PutRequest.of(b("a"), b("3")), nested, RangeRequest.single(b("n"))),
                List.of()));
        TxnResult inner = (TxnResult) applied.result().results().get(1);
        assertThat(inner.succeeded()).isTrue();
        assertThat(inner.revision()).isEqualTo(5);
        RangeResult afterNested = (RangeResult) applied.result().results().get(2);
        assertThat(afterNested.kvs().get(0).getValue()).isEqualTo(b("saw-old-a"));
        assertThat(store.currentRevision()).isEqualTo(5);
        assertThat(applied.events()).hasSize(2);
    }

    @Test
    void readsOfFutureRevisionsRejectTheWholeTxnButTheEntryIsApplied() throws Exception {
        TxnRequest request = new TxnRequest(List.of(), List.of(
                PutRequest.of(b("a"), b("never")),
                RangeRequest.single(b("a")).atRevision(5)), List.of());
        long index = nextIndex();
        assertThatThrownBy(() -> store.txn(index, request))
                .isInstanceOf(FutureRevisionException.class);
        assertThat(get("a").getValue()).isEqualTo(b("2"));
        assertThat(store.currentRevision()).isEqualTo(4);
        assertThat(store.appliedIndex()).isEqualTo(index);
    }

    @Test
    void readsOfCompactedRevisionsRejectTheTxn() throws Exception {
        store.compact(nextIndex(), 3);
        TxnRequest request = new TxnRequest(List.of(), List.of(
                PutRequest.of(b("a"), b("never")),
                RangeRequest.single(b("a")).atRevision(2)), List.of());
        assertThatThrownBy(() -> store.txn(nextIndex(), request))
                .isInstanceOfSatisfying(CompactedException.class, e -> {
                    assertThat(e.requestedRevision()).isEqualTo(2);
                    assertThat(e.compactRevision()).isEqualTo(3);
                });
        assertThat(get("a").getValue()).isEqualTo(b("2"));
        assertThat(store.appliedIndex()).isEqualTo(raftIndex);
    }

    @Test
    void rejectedReadsOnTheBranchNotTakenDoNotMatter() throws Exception {
        Applied<TxnResult> applied = txn(new TxnRequest(
                List.of(Compare.version(b("a"), Result.EQUAL, 2)),
                List.of(PutRequest.of(b("a"), b("ok"))),
                List.of(RangeRequest.single(b("a")).atRevision(99))));
        assertThat(applied.result().succeeded()).isTrue();
        assertThat(get("a").getValue()).isEqualTo(b("ok"));
    }
}
