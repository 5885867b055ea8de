package io.katd.kv.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.katd.kv.mvcc.Applied;
import io.katd.kv.mvcc.DeleteRangeRequest;
import io.katd.kv.mvcc.InMemoryBackend;
import io.katd.kv.mvcc.MvccStore;
import io.katd.kv.mvcc.PutRequest;
import io.katd.kv.mvcc.RangeRequest;
import io.katd.kv.mvcc.TxnOp;
import io.katd.kv.mvcc.TxnRequest;
import io.katd.kv.mvcc.TxnResult;
import io.katd.proto.lease.LeaseRecord;
import io.katd.proto.lease.LeaseTableSnapshot;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaseTableTest {

    private final LeaseTable table = new LeaseTable();

    @Test
    void grantsWithoutIdTakeTheNextFreeIdAndNeverReuseOne() {
        assertThat(table.grant(0, 10).id()).isEqualTo(1);
        assertThat(table.grant(3, 10).id()).isEqualTo(3);
        assertThat(table.grant(0, 10).id()).isEqualTo(2);
        assertThat(table.grant(0, 10).id()).isEqualTo(4);
        table.revoke(4);
        assertThat(table.grant(0, 10).id()).isEqualTo(5);
        assertThat(table.list()).extracting(Lease::id).containsExactly(1L, 2L, 3L, 5L);
    }

    @Test
    void grantingAnExistingIdFailsWithTheId() {
        table.grant(7, 10);

        assertThatThrownBy(() -> table.grant(7, 20))
                .isInstanceOfSatisfying(LeaseExistsException.class,
                        e -> assertThat(e.leaseId()).isEqualTo(7))
                .hasMessage("lease 7 already exists");
        assertThat(table.get(7, false).ttlSeconds()).isEqualTo(10);
    }

    @Test
    void grantsAreValidated() {
        assertThatThrownBy(() -> table.grant(-1, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> table.grant(1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0");
        assertThatThrownBy(() -> table.grant(1, LeaseTable.MAX_TTL_SECONDS + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(table.size()).isZero();
    }

    @Test
    void revokeReturnsTheAttachedKeysInOrderAndForgetsThem() {
        table.grant(1, 10);
        table.attach(1, b("b"));
        table.attach(1, b("a"));
        table.attach(1, ByteString.copyFrom(new byte[] {(byte) 0xff}));

        assertThat(table.revoke(1)).containsExactly(b("a"), b("b"),
                ByteString.copyFrom(new byte[] {(byte) 0xff}));
        assertThat(table.contains(1)).isFalse();
        assertThat(table.leaseOf(b("a"))).isEqualTo(LeaseTable.NO_LEASE);
    }

    @Test
    void anUnknownLeaseIsNamedInTheError() {
        assertThatThrownBy(() -> table.revoke(42))
                .isInstanceOfSatisfying(LeaseNotFoundException.class,
                        e -> assertThat(e.leaseId()).isEqualTo(42))
                .hasMessage("lease 42 not found");
        assertThatThrownBy(() -> table.attach(42, b("k")))
                .isInstanceOf(LeaseNotFoundException.class);
        assertThatThrownBy(() -> table.get(42, true)).isInstanceOf(LeaseNotFoundException.class);
    }

    @Test
    void aKeyBelongsToTheLeaseOfItsLastAttach() {
        table.grant(1, 10);
        table.grant(2, 10);
        table.attach(1, b("k"));
        table.attach(2, b("k"));

        assertThat(table.leaseOf(b("k"))).isEqualTo(2);
        assertThat(table.get(1, true).keys()).isEmpty();
        assertThat(table.get(2, true).keys()).containsExactly(b("k"));
        assertThat(table.get(2, false).keys()).isEmpty();
        assertThat(table.detach(b("k"))).isEqualTo(2);
        assertThat(table.detach(b("k"))).isEqualTo(LeaseTable.NO_LEASE);
    }

    @Test
    void appliedEventsAttachMoveAndDetachKeys() throws IOException {
        try (MvccStore store = MvccStore.open(new InMemoryBackend())) {
            table.grant(1, 10);
            table.grant(2, 10);
            table.applyEvents(store.put(1, PutRequest.of(b("a"), b("1")).withLease(1)).events());
            table.applyEvents(store.put(2, PutRequest.of(b("b"), b("1")).withLease(1)).events());
            assertThat(table.get(1, true).keys()).containsExactly(b("a"), b("b"));

            table.applyEvents(store.put(3, PutRequest.of(b("a"), b("2")).withLease(2)).events());
            table.applyEvents(store.put(4, PutRequest.of(b("b"), b("2"))).events());
            assertThat(table.get(1, true).keys()).isEmpty();
            assertThat(table.get(2, true).keys()).containsExactly(b("a"));

            table.applyEvents(store.deleteRange(5, DeleteRangeRequest.single(b("a"))).events());
            assertThat(table.get(2, true).keys()).isEmpty();

            List<io.katd.proto.etcd.mvccpb.Event> unknown =
                    store.put(6, PutRequest.of(b("c"), b("1")).withLease(9)).events();
            assertThatThrownBy(() -> table.applyEvents(unknown))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("lease 9");
        }
    }

    @Test
    void revokingALeaseDeletesItsKeysInOneRevision() throws IOException {
        try (MvccStore store = MvccStore.open(new InMemoryBackend())) {
            table.grant(5, 10);
            for (String key : List.of("x", "y", "z")) {
                table.applyEvents(store.put(store.appliedIndex() + 1,
                        PutRequest.of(b(key), b("v")).withLease(5)).events());
            }
            long before = store.currentRevision();
            List<TxnOp> deletes = table.revoke(5).stream()
                    .<TxnOp>map(DeleteRangeRequest::single).toList();
            Applied<TxnResult> deleted = store.txn(store.appliedIndex() + 1,
                    new TxnRequest(List.of(), deletes, List.of()));
            table.applyEvents(deleted.events());

            assertThat(deleted.events()).hasSize(3);
            assertThat(store.currentRevision()).isEqualTo(before + 1);
            assertThat(store.range(RangeRequest.prefix(b(""))).kvs()).isEmpty();
        }
    }

    @Test
    void aSnapshotRestoresTheSameTableAndTheSameNextId() {
        table.grant(0, 10);
        table.grant(9, 30);
        table.grant(0, 20);
        table.attach(9, b("k1"));
        table.attach(1, b("k2"));
        table.revoke(2);
        byte[] bytes = table.snapshot();

        LeaseTable restored = new LeaseTable();
        restored.grant(77, 5);
        restored.restore(bytes);

        assertThat(restored.snapshot()).isEqualTo(bytes);
        assertThat(restored.list()).isEqualTo(table.list());
        assertThat(restored.leaseOf(b("k1"))).isEqualTo(9);
        assertThat(restored.contains(77)).isFalse();
        assertThat(restored.grant(0, 10).id()).isEqualTo(table.grant(0, 10).id()).isEqualTo(3);
    }

    @Test
    void aCorruptSnapshotIsRefusedAndChangesNothing() {
        table.grant(1, 10);
        byte[] before = table.snapshot();
        LeaseRecord a = LeaseRecord.newBuilder().setId(1).setTtlSeconds(5).addKeys(b("k"))
                .build();
        LeaseRecord b = LeaseRecord.newBuilder().setId(2).setTtlSeconds(5).addKeys(b("k"))
                .build();
        List<byte[]> corrupt = List.of(
                new byte[] {(byte) 0xff, 0x01},
                LeaseTableSnapshot.newBuilder().setNextId(0).build().toByteArray(),
                LeaseTableSnapshot.newBuilder().setNextId(3).addLeases(a).addLeases(b).build()
                        .toByteArray(),
                LeaseTableSnapshot.newBuilder().setNextId(3).addLeases(b).addLeases(a).build()
                        .toByteArray(),
                LeaseTableSnapshot.newBuilder().setNextId(3)
                        .addLeases(a.toBuilder().setTtlSeconds(0)).build().toByteArray(),
                LeaseTableSnapshot.newBuilder().setNextId(3)
                        .addLeases(a.toBuilder().addKeys(b("a"))).build().toByteArray());

        for (byte[] bytes : corrupt) {
            assertThatThrownBy(() -> table.restore(bytes))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("corrupt lease table snapshot");
        }
        assertThat(table.snapshot()).isEqualTo(before);
    }

    private static ByteString b(String utf8) {
        return ByteString.copyFromUtf8(utf8);
    }
}
