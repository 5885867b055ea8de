package io.katd.kv.mvcc;

import static io.katd.kv.mvcc.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbRestartTest {

    @TempDir
    Path temp;

    @Test
    void reopeningRecoversRevisionsAppliedIndexDataAndHistory() throws Exception {
        Path dir = temp.resolve("kv");
        RangeResult everything;
        RangeResult atThree;
        List<io.katd.proto.etcd.mvccpb.Event> history;
        try (MvccStore store = MvccStore.open(RocksDbBackend.open(dir))) {
            store.put(3, PutRequest.of(b("a"), b("1")));
            store.put(4, PutRequest.of(b("b"), b("1")).withLease(5));
            store.put(5, PutRequest.of(b("a"), b("2")));
            store.deleteRange(6, DeleteRangeRequest.single(b("b")));
            store.put(7, PutRequest.of(b("c"), b("1")));
            store.compact(8, 3);
            store.markApplied(11);
            everything = store.range(RangeRequest.prefix(b("")));
            atThree = store.range(RangeRequest.prefix(b("")).atRevision(3));
            history = store.events(4, 6, KeyRanges.FROM_KEY, KeyRanges.FROM_KEY, true);
        }

        try (MvccStore reopened = MvccStore.open(RocksDbBackend.open(dir))) {
            assertThat(reopened.currentRevision()).isEqualTo(6);
            assertThat(reopened.compactRevision()).isEqualTo(3);
            assertThat(reopened.appliedIndex()).isEqualTo(11);
            assertThat(reopened.range(RangeRequest.prefix(b("")))).isEqualTo(everything);
            assertThat(reopened.range(RangeRequest.prefix(b("")).atRevision(3)))
                    .isEqualTo(atThree);
            assertThat(reopened.events(4, 6, KeyRanges.FROM_KEY, KeyRanges.FROM_KEY, true))
                    .isEqualTo(history);

            // Writing goes on from the recovered revision.
            Applied<PutResult> next = reopened.put(12, PutRequest.of(b("a"), b("3")));
            assertThat(next.result().revision()).isEqualTo(7);
            assertThat(next.events().get(0).getKv().getVersion()).isEqualTo(3);
        }
    }

    @Test
    void aStoreReopensEmptyWhenNothingWasWritten() throws Exception {
        Path dir = temp.resolve("kv");
        MvccStore.open(RocksDbBackend.open(dir)).close();
        try (MvccStore reopened = MvccStore.open(RocksDbBackend.open(dir))) {
            assertThat(reopened.currentRevision()).isEqualTo(MvccStore.INITIAL_REVISION);
            assertThat(reopened.appliedIndex()).isZero();
        }
    }
}
