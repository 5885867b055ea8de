package io.katd.kv.mvcc;

import static io.katd.kv.mvcc.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.katd.proto.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventsTest extends StoreFixture {

    private final List<Event> produced = new ArrayList<>();

    @BeforeEach
    void fill() throws Exception {
        produced.addAll(put("a", "1").events());      // 2
        produced.addAll(put("b", "1").events());      // 3
        produced.addAll(put("a", "2").events());      // 4
        produced.addAll(delete("a").events());        // 5
        produced.addAll(txn(new TxnRequest(List.of(), List.of(
                PutRequest.of(b("a"), b("3")),
                PutRequest.of(b("c"), b("1")),
                PutRequest.of(b("a"), b("4"))), List.of())).events()); // 6
    }

    private List<Event> all(long from, long to, boolean prevKv) throws Exception {
        return store.events(from, to, KeyRanges.FROM_KEY, KeyRanges.FROM_KEY, prevKv);
    }

    @Test
    void historyWithPrevKvEqualsTheEventsTheWritesReturned() throws Exception {
        assertThat(all(1, 6, true)).isEqualTo(produced);
    }

    @Test
    void historyWithoutPrevKvLeavesItOut() throws Exception {
        assertThat(all(2, 6, false)).isEqualTo(
                produced.stream().map(e -> e.toBuilder().clearPrevKv().build()).toList());
    }

    @Test
    void historyIsFilteredByKeyRangeAndRevisions() throws Exception {
        List<Event> aOnly = store.events(4, 6, b("a"), ByteString.EMPTY, false);
        assertThat(aOnly).extracting(e -> e.getKv().getModRevision())
                .containsExactly(4L, 5L, 6L, 6L);
        assertThat(aOnly.get(1).getType()).isEqualTo(Event.EventType.DELETE);
        assertThat(store.events(3, 6, b("b"), b("d"), false))
                .extracting(e -> e.getKv().getKey().toStringUtf8())
                .containsExactly("b", "c");
    }

    @Test
    void recreatedKeyHasNoPrevKvButLaterPutsInTheSameRevisionDo() throws Exception {
        List<Event> sixth = store.events(6, 6, b("a"), ByteString.EMPTY, true);
        assertThat(sixth.get(0).hasPrevKv()).isFalse();
        assertThat(sixth.get(1).getPrevKv().getValue()).isEqualTo(b("3"));
    }

    @Test
    void compactedAndFutureRevisionsAreRefused() throws Exception {
        store.compact(nextIndex(), 4);
        assertThatThrownBy(() -> all(4, 6, false))
                .isInstanceOfSatisfying(CompactedException.class,
                        e -> assertThat(e.compactRevision()).isEqualTo(4));
        assertThat(all(5, 6, true)).isEqualTo(produced.subList(3, produced.size()));
        assertThatThrownBy(() -> all(5, 7, false))
                .isInstanceOf(FutureRevisionException.class);
        assertThatIllegalArgumentException().isThrownBy(() -> all(6, 5, false));
    }
}
