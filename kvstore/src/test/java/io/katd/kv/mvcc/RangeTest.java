package io.katd.kv.mvcc;

import static io.katd.kv.mvcc.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.kv.mvcc.RangeRequest.SortOrder;
import io.katd.kv.mvcc.RangeRequest.SortTarget;
import io.katd.proto.etcd.mvccpb.KeyValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RangeTest extends StoreFixture {

    @BeforeEach
    void fill() throws Exception {
        put("a", "3");      // rev 2
        put("ab", "1");     // rev 3
        put("b", "2");      // rev 4
        put("c", "0");      // rev 5
        put("b", "9");      // rev 6: b has version 2
    }

    @Test
    void emptyRangeEndReadsTheSingleKey() throws Exception {
        assertThat(keys(RangeRequest.single(b("a")))).containsExactly("a");
        assertThat(keys(RangeRequest.single(b("zz")))).isEmpty();
    }

    @Test
    void rangeEndIsExclusive() throws Exception {
        assertThat(keys(RangeRequest.of(b("a"), b("b")))).containsExactly("a", "ab");
        assertThat(keys(RangeRequest.of(b("ab"), b("c")))).containsExactly("ab", "b");
    }

    @Test
    void rangeEndNotAfterTheKeyIsEmpty() throws Exception {
        assertThat(keys(RangeRequest.of(b("b"), b("b")))).isEmpty();
        assertThat(keys(RangeRequest.of(b("c"), b("a")))).isEmpty();
    }

    @Test
    void zeroByteRangeEndMeansEveryKeyFromTheKeyOn() throws Exception {
        assertThat(keys(RangeRequest.of(b("ab"), KeyRanges.FROM_KEY)))
                .containsExactly("ab", "b", "c");
        assertThat(keys(RangeRequest.of(KeyRanges.FROM_KEY, KeyRanges.FROM_KEY)))
                .containsExactly("a", "ab", "b", "c");
    }

    @Test
    void prefixReadsUseThePrefixEnd() throws Exception {
        assertThat(keys(RangeRequest.prefix(b("a")))).containsExactly("a", "ab");
        assertThat(keys(RangeRequest.prefix(b("")))).containsExactly("a", "ab", "b", "c");
    }

    @Test
    void keysCompareAsUnsignedBytes() throws Exception {
        store.put(nextIndex(), PutRequest.of(b(0xff), b("high")));
        store.put(nextIndex(), PutRequest.of(b(0x7f), b("mid")));
        assertThat(store.range(RangeRequest.of(b("c"), KeyRanges.FROM_KEY)).kvs())
                .extracting(KeyValue::getKey)
                .containsExactly(b("c"), b(0x7f), b(0xff));
    }

    @Test
    void limitCutsTheResultButCountIsTheWholeRange() throws Exception {
        RangeResult result = store.range(RangeRequest.prefix(b("")).withLimit(2));
        assertThat(result.kvs()).extracting(kv -> kv.getKey().toStringUtf8())
                .containsExactly("a", "ab");
        assertThat(result.count()).isEqualTo(4);
        assertThat(result.more()).isTrue();
        assertThat(result.revision()).isEqualTo(6);

        RangeResult exact = store.range(RangeRequest.prefix(b("")).withLimit(4));
        assertThat(exact.kvs()).hasSize(4);
        assertThat(exact.more()).isFalse();
    }

    @Test
    void countOnlyReturnsNoKeyValues() throws Exception {
        RangeResult result = store.range(RangeRequest.prefix(b("")).withCountOnly().withLimit(1));
        assertThat(result.kvs()).isEmpty();
        assertThat(result.count()).isEqualTo(4);
        assertThat(result.more()).isFalse();
    }

    @Test
    void keysOnlyDropsValuesButKeepsMetadata() throws Exception {
        KeyValue b = store.range(RangeRequest.single(b("b")).withKeysOnly()).kvs().get(0);
        assertThat(b.getValue().isEmpty()).isTrue();
        assertThat(b.getVersion()).isEqualTo(2);
        assertThat(b.getModRevision()).isEqualTo(6);
    }

    @Test
    void sortsByEachTargetBothWays() throws Exception {
        RangeRequest all = RangeRequest.prefix(b(""));
        assertThat(keys(all.sortedBy(SortTarget.KEY, SortOrder.DESCEND)))
                .containsExactly("c", "b", "ab", "a");
        assertThat(keys(all.sortedBy(SortTarget.VALUE, SortOrder.ASCEND)))
                .containsExactly("c", "ab", "a", "b");
        assertThat(keys(all.sortedBy(SortTarget.CREATE, SortOrder.DESCEND)))
                .containsExactly("c", "b", "ab", "a");
        assertThat(keys(all.sortedBy(SortTarget.MOD, SortOrder.DESCEND)))
                .containsExactly("b", "c", "ab", "a");
        // Ties keep ascending key order in both directions.
        assertThat(keys(all.sortedBy(SortTarget.VERSION, SortOrder.DESCEND)))
                .containsExactly("b", "a", "ab", "c");
        assertThat(keys(all.sortedBy(SortTarget.VERSION, SortOrder.ASCEND)))
                .containsExactly("a", "ab", "c", "b");
    }

    @Test
    void noSortOrderWithANonKeyTargetMeansAscending() throws Exception {
        assertThat(keys(RangeRequest.prefix(b("")).sortedBy(SortTarget.VALUE, SortOrder.NONE)))
                .containsExactly("c", "ab", "a", "b");
    }

    @Test
    void limitAppliesAfterSorting() throws Exception {
        RangeResult result = store.range(RangeRequest.prefix(b(""))
                .sortedBy(SortTarget.KEY, SortOrder.DESCEND).withLimit(1));
        assertThat(result.kvs()).extracting(kv -> kv.getKey().toStringUtf8())
                .containsExactly("c");
        assertThat(result.count()).isEqualTo(4);
        assertThat(result.more()).isTrue();
    }

    @Test
    void readsAtAPastRevisionSeeThatRevisionAndReportTheCurrentOne() throws Exception {
        RangeResult atThree = store.range(RangeRequest.prefix(b("")).atRevision(3));
        assertThat(atThree.kvs()).extracting(kv -> kv.getKey().toStringUtf8())
                .containsExactly("a", "ab");
        assertThat(atThree.revision()).isEqualTo(6);
        assertThat(getAt("b", 5).getValue()).isEqualTo(b("2"));
        assertThat(getAt("b", 1)).isNull();
    }

    @Test
    void readsBeyondTheCurrentRevisionFail() {
        assertThatThrownBy(() -> store.range(RangeRequest.single(b("a")).atRevision(7)))
                .isInstanceOfSatisfying(FutureRevisionException.class, e -> {
                    assertThat(e.requestedRevision()).isEqualTo(7);
                    assertThat(e.currentRevision()).isEqualTo(6);
                });
    }

    @Test
    void malformedRequestsCannotBeBuilt() {
        assertThatIllegalArgumentException().isThrownBy(() -> RangeRequest.single(b("")));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RangeRequest.single(b("a")).withLimit(-1));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RangeRequest.single(b("a")).atRevision(-1));
    }
}
