package io.katd.kv.mvcc;

import static io.katd.kv.mvcc.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.katd.proto.etcd.mvccpb.Event;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class RevisionsAndVersionsTest extends StoreFixture {

    @Test
    void emptyStoreStartsAtRevisionOneLikeEtcd() throws Exception {
        assertThat(store.currentRevision()).isEqualTo(1);
        assertThat(store.compactRevision()).isZero();
        assertThat(store.appliedIndex()).isZero();
        assertThat(get("a")).isNull();
    }

    @Test
    void eachPutIsOneRevisionAndBumpsTheVersion() throws Exception {
        assertThat(put("a", "1").result().revision()).isEqualTo(2);
        assertThat(put("b", "1").result().revision()).isEqualTo(3);
        assertThat(put("a", "2").result().revision()).isEqualTo(4);

        KeyValue a = get("a");
        assertThat(a.getCreateRevision()).isEqualTo(2);
        assertThat(a.getModRevision()).isEqualTo(4);
        assertThat(a.getVersion()).isEqualTo(2);
        assertThat(a.getValue()).isEqualTo(b("2"));
        assertThat(store.currentRevision()).isEqualTo(4);
    }

    @Test
    void putRecordsTheLeaseAndReturnsThePreviousValueOnRequest() throws Exception {
        put("a", "1");
        Applied<PutResult> second = store.put(nextIndex(),
                PutRequest.of(b("a"), b("2")).withLease(7).withPrevKv());
        assertThat(second.result().prevKv()).hasValueSatisfying(prev -> {
            assertThat(prev.getValue()).isEqualTo(b("1"));
            assertThat(prev.getVersion()).isEqualTo(1);
        });
        assertThat(get("a").getLease()).isEqualTo(7);

        Applied<PutResult> fresh =
                store.put(nextIndex(), PutRequest.of(b("z"), b("")).withPrevKv());
        assertThat(fresh.result().prevKv()).isEmpty();
    }

    @Test
    void deleteWritesATombstoneAndRecreationStartsANewGeneration() throws Exception {
        put("a", "1");
        put("a", "2");
        Applied<DeleteRangeResult> deleted = delete("a");
        assertThat(deleted.result().deleted()).isEqualTo(1);
        assertThat(deleted.result().revision()).isEqualTo(4);
        assertThat(get("a")).isNull();

        put("a", "3");
        KeyValue a = get("a");
        assertThat(a.getCreateRevision()).isEqualTo(5);
        assertThat(a.getVersion()).isEqualTo(1);

        // The old generation is still readable in the past.
        assertThat(getAt("a", 3).getVersion()).isEqualTo(2);
        assertThat(getAt("a", 4)).isNull();
    }

    @Test
    void deletingNothingCreatesNoRevision() throws Exception {
        put("a", "1");
        Applied<DeleteRangeResult> nothing = delete("b");
        assertThat(nothing.result().deleted()).isZero();
        assertThat(nothing.result().revision()).isEqualTo(2);
        assertThat(nothing.events()).isEmpty();
        assertThat(store.currentRevision()).isEqualTo(2);
        assertThat(store.appliedIndex()).isEqualTo(raftIndex);
    }

    @Test
    void deleteRangeIsOneRevisionWithOrderedSubRevisionEvents() throws Exception {
        put("a", "1");
        put("b", "2");
        put("c", "3");
        Applied<DeleteRangeResult> deleted = store.deleteRange(nextIndex(),
                DeleteRangeRequest.of(b("a"), b("c")).withPrevKv());
        assertThat(deleted.result().deleted()).isEqualTo(2);
        assertThat(deleted.result().prevKvs()).extracting(kv -> kv.getKey().toStringUtf8())
                .containsExactly("a", "b");
        assertThat(store.currentRevision()).isEqualTo(5);

        List<Event> events = deleted.events();
        assertThat(events).extracting(Event::getType)
                .containsExactly(Event.EventType.DELETE, Event.EventType.DELETE);
        assertThat(events.get(0).getKv())
                .isEqualTo(KeyValue.newBuilder().setKey(b("a")).setModRevision(5).build());
        assertThat(events.get(1).getPrevKv().getValue()).isEqualTo(b("2"));
        assertThat(get("c")).isNotNull();
    }

    @Test
    void putEventsCarryTheNewAndThePreviousKeyValue() throws Exception {
        put("a", "1");
        List<Event> events = put("a", "2").events();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getType()).isEqualTo(Event.EventType.PUT);
        assertThat(events.get(0).getKv().getValue()).isEqualTo(b("2"));
        assertThat(events.get(0).getPrevKv().getValue()).isEqualTo(b("1"));
    }

    @Test
    void everyWriteRecordsItsRaftIndexAndStaleIndexesAreRefused() throws Exception {
        store.put(5, PutRequest.of(b("a"), b("1")));
        assertThat(store.appliedIndex()).isEqualTo(5);
        store.markApplied(9);
        assertThat(store.appliedIndex()).isEqualTo(9);
        assertThat(store.currentRevision()).isEqualTo(2);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> store.put(9, PutRequest.of(b("a"), b("2"))))
                .withMessageContaining("9");
        assertThat(store.currentRevision()).isEqualTo(2);
    }
}
