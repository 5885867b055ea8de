package io.katd.kv.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.katd.proto.etcd.etcdserverpb.DeleteRangeRequest;
import io.katd.proto.etcd.etcdserverpb.PutRequest;
import io.katd.proto.etcd.etcdserverpb.RangeRequest;
import io.katd.proto.etcd.etcdserverpb.RequestOp;
import io.katd.proto.etcd.etcdserverpb.TxnRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class TxnKeyCheckTest {
    private static final ByteString FROM_KEY = ByteString.copyFrom(new byte[] {0});

    private static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static RequestOp put(String key) {
        return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b(key))
                .setValue(b("v"))).build();
    }

    private static RequestOp get(String key) {
        return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(b(key)))
                .build();
    }

    private static RequestOp delete(String key, ByteString end) {
        return RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
                .setKey(b(key)).setRangeEnd(end)).build();
    }

    private static RequestOp nested(List<RequestOp> success, List<RequestOp> failure) {
        return RequestOp.newBuilder().setRequestTxn(TxnRequest.newBuilder()
                .addAllSuccess(success).addAllFailure(failure)).build();
    }

    private static boolean valid(List<RequestOp> success, List<RequestOp> failure) {
        return TxnKeyCheck.valid(TxnRequest.newBuilder().addAllSuccess(success)
                .addAllFailure(failure).build());
    }

    @Test
    void distinctPutsAndReadsOfTheSameKeyAreAccepted() {
        assertThat(valid(List.of(put("a"), put("b"), get("a"), get("a")), List.of())).isTrue();
    }

    @Test
    void theSameKeyInBothBranchesIsAccepted() {
        assertThat(valid(List.of(put("a")), List.of(put("a"), delete("b", ByteString.EMPTY))))
                .isTrue();
    }

    @Test
    void twoPutsOfOneKeyInABranchAreRefused() {
        assertThat(valid(List.of(put("a"), put("a")), List.of())).isFalse();
        assertThat(valid(List.of(), List.of(put("x"), put("y"), put("x")))).isFalse();
    }

    @Test
    void aPutInsideADeletedRangeIsRefused() {
        assertThat(valid(List.of(delete("a", ByteString.EMPTY), put("a")), List.of())).isFalse();
        assertThat(valid(List.of(delete("a", b("c")), put("b")), List.of())).isFalse();
        assertThat(valid(List.of(delete("a", FROM_KEY), put("zz")), List.of())).isFalse();
    }

    @Test
    void aPutOutsideTheDeletedRangeIsAccepted() {
        assertThat(valid(List.of(delete("a", b("c")), put("c")), List.of())).isTrue();
        assertThat(valid(List.of(delete("b", ByteString.EMPTY), put("a"), put("ba")), List.of()))
                .isTrue();
        assertThat(valid(List.of(delete("b", FROM_KEY), put("a")), List.of())).isTrue();
    }

    @Test
    void nestedBranchesMayPutTheSameKeyButNotWhatTheParentPuts() {
        assertThat(valid(List.of(nested(List.of(put("a")), List.of(put("a")))), List.of()))
                .isTrue();
        assertThat(valid(List.of(nested(List.of(put("a")), List.of()), put("a")), List.of()))
                .isFalse();
        assertThat(valid(List.of(nested(List.of(), List.of(put("a"))), put("a")), List.of()))
                .isFalse();
    }

    @Test
    void twoNestedTransactionsMayNotPutTheSameKey() {
        assertThat(valid(List.of(nested(List.of(put("a")), List.of()),
                nested(List.of(), List.of(put("a")))), List.of())).isFalse();
    }

    @Test
    void nestedDeletesCoverTheParentsPutsAndLaterNestedPuts() {
        assertThat(valid(List.of(nested(List.of(delete("a", b("b"))), List.of()), put("a")),
                List.of())).isFalse();
        assertThat(valid(List.of(nested(List.of(delete("a", b("b"))), List.of()),
                nested(List.of(put("a")), List.of())), List.of())).isFalse();
        assertThat(valid(List.of(delete("k", ByteString.EMPTY),
                nested(List.of(put("k")), List.of())), List.of())).isFalse();
    }

    @Test
    void aDuplicateDeepInsideIsFound() {
        RequestOp deep = nested(List.of(nested(List.of(put("q"), put("q")), List.of())),
                List.of());
        assertThat(valid(List.of(deep), List.of())).isFalse();
    }
}
