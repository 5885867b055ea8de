package io.katd.kv.mvcc;

import static io.katd.kv.mvcc.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CompactionTest extends StoreFixture {

    @BeforeEach
    void fill() throws Exception {
        put("a", "1");   // 2
        put("a", "2");   // 3
        put("b", "1");   // 4
        delete("b");     // 5
        put("c", "1");   // 6
        put("a", "3");   // 7
    }

    @Test
    void readsAtAndAfterTheCompactedRevisionAreUnchanged() throws Exception {
        RangeResult atFiveBefore = store.range(RangeRequest.prefix(b("")).atRevision(5));
        RangeResult currentBefore = store.range(RangeRequest.prefix(b("")));
        store.compact(nextIndex(), 5);
        assertThat(store.compactRevision()).isEqualTo(5);
        assertThat(store.range(RangeRequest.prefix(b("")).atRevision(5)))
                .isEqualTo(atFiveBefore);
        assertThat(store.range(RangeRequest.prefix(b("")))).isEqualTo(currentBefore);
        assertThat(getAt("a", 6).getVersion()).isEqualTo(2);
    }

    @Test
    void readsBelowTheCompactedRevisionFailNamingBothRevisions() throws Exception {
        store.compact(nextIndex(), 5);
        assertThatThrownBy(() -> store.range(RangeRequest.single(b("a")).atRevision(4)))
                .isInstanceOfSatisfying(CompactedException.class, e -> {
                    assertThat(e.requestedRevision()).isEqualTo(4);
                    assertThat(e.compactRevision()).isEqualTo(5);
                    assertThat(e).hasMessageContaining("4").hasMessageContaining("5");
                });
    }

    @Test
    void compactionPhysicallyRemovesHistoryAndDeletedKeys() throws Exception {
        store.compact(nextIndex(), 6);
        AtomicInteger records = new AtomicInteger();
        backend.scan(Layout.REVISIONS_START, Layout.REVISIONS_END, (k, v) -> {
            records.incrementAndGet();
            return true;
        });
        // Left: a@3 (live at 6), c@6, a@7. Gone: a@2, b@4 and b's tombstone @5.
        assertThat(records.get()).isEqualTo(3);
    }

    @Test
    void compactingTwiceOrIntoTheFutureFailsButCountsAsApplied() throws Exception {
        store.compact(nextIndex(), 4);
        long again = nextIndex();
        assertThatThrownBy(() -> store.compact(again, 4))
                .isInstanceOfSatisfying(CompactedException.class, e -> {
                    assertThat(e.requestedRevision()).isEqualTo(4);
                    assertThat(e.compactRevision()).isEqualTo(4);
                });
        assertThat(store.appliedIndex()).isEqualTo(again);
        long future = nextIndex();
        assertThatThrownBy(() -> store.compact(future, 8))
                .isInstanceOfSatisfying(FutureRevisionException.class, e -> {
                    assertThat(e.requestedRevision()).isEqualTo(8);
                    assertThat(e.currentRevision()).isEqualTo(7);
                });
        assertThat(store.appliedIndex()).isEqualTo(future);
        assertThat(store.compactRevision()).isEqualTo(4);
    }

    @Test
    void compactingAtTheCurrentRevisionKeepsTheCurrentState() throws Exception {
        delete("c");                                          // 8
        store.compact(nextIndex(), 8);
        assertThat(keys(RangeRequest.prefix(b("")))).containsExactly("a");
        put("c", "again");
        assertThat(get("c").getCreateRevision()).isEqualTo(9);
        assertThat(get("c").getVersion()).isEqualTo(1);
        assertThat(get("a").getVersion()).isEqualTo(3);
    }

    @Test
    void compactionSurvivesReopeningTheIndex() throws Exception {
        store.compact(nextIndex(), 6);
        MvccStore reopened = MvccStore.open(backend);
        assertThat(reopened.compactRevision()).isEqualTo(6);
        assertThat(reopened.currentRevision()).isEqualTo(7);
        assertThat(reopened.range(RangeRequest.prefix(b(""))))
                .isEqualTo(store.range(RangeRequest.prefix(b(""))));
        assertThatThrownBy(() -> reopened.range(RangeRequest.single(b("a")).atRevision(5)))
                .isInstanceOf(CompactedException.class);
    }
}
