package io.katd.kv.mvcc;

import static io.katd.kv.mvcc.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotRestoreTest {

    @TempDir
    Path temp;

    private Backend backend(String kind, String name) throws IOException {
        return kind.equals("rocksdb") ? RocksDbBackend.open(temp.resolve(name))
                : new InMemoryBackend();
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "rocksdb"})
    void snapshotRestoresIntoAnotherStoreAndBackIntoTheSameOne(String kind) throws Exception {
        Path snapshot = temp.resolve("snapshot");
        try (MvccStore source = MvccStore.open(backend(kind, "source"));
             MvccStore follower = MvccStore.open(backend(kind, "follower"))) {
            source.put(1, PutRequest.of(b("a"), b("1")));
            source.put(2, PutRequest.of(b("b"), b("1")));
            source.put(3, PutRequest.of(b("a"), b("2")));
            source.compact(4, 3);
            source.snapshot(snapshot);
            RangeResult atSnapshot = source.range(RangeRequest.prefix(b("")));
            RangeResult pastAtSnapshot = source.range(RangeRequest.prefix(b("")).atRevision(3));

            // A follower with other data takes the snapshot wholesale.
            follower.put(1, PutRequest.of(b("z"), b("stale")));
            follower.put(2, PutRequest.of(b("z"), b("stale")));
            follower.restore(snapshot);
            assertRestored(follower, atSnapshot, pastAtSnapshot);

            // The source moves on, then goes back to its snapshot.
            source.deleteRange(5, DeleteRangeRequest.prefix(b("")));
            source.put(6, PutRequest.of(b("c"), b("1")));
            source.restore(snapshot);
            assertRestored(source, atSnapshot, pastAtSnapshot);

            // Both continue identically from the restored state.
            Applied<PutResult> a = source.put(5, PutRequest.of(b("c"), b("x")));
            Applied<PutResult> b = follower.put(5, PutRequest.of(b("c"), b("x")));
            assertThat(a).isEqualTo(b);
            assertThat(source.events(4, 5, KeyRanges.FROM_KEY, KeyRanges.FROM_KEY, true))
                    .isEqualTo(follower.events(4, 5, KeyRanges.FROM_KEY, KeyRanges.FROM_KEY,
                            true));
        }
    }

    private static void assertRestored(MvccStore store, RangeResult current, RangeResult past)
            throws IOException {
        assertThat(store.currentRevision()).isEqualTo(4);
        assertThat(store.compactRevision()).isEqualTo(3);
        assertThat(store.appliedIndex()).isEqualTo(4);
        assertThat(store.range(RangeRequest.prefix(b("")))).isEqualTo(current);
        assertThat(store.range(RangeRequest.prefix(b("")).atRevision(3))).isEqualTo(past);
        assertThat(store.range(RangeRequest.prefix(b(""))).kvs()).extracting(
                kv -> kv.getKey().toStringUtf8()).isEqualTo(List.of("a", "b"));
    }
}
