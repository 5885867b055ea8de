package io.katd.kv.mvcc;

import static io.katd.kv.mvcc.Bytes.b;

import io.katd.proto.etcd.mvccpb.KeyValue;
import java.io.IOException;
import java.util.List;

/** An in-memory store plus the Raft index counter that every write needs. */
class StoreFixture {

    final InMemoryBackend backend = new InMemoryBackend();
    MvccStore store;
    long raftIndex;

    StoreFixture() {
        try {
            store = MvccStore.open(backend);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    long nextIndex() {
        return ++raftIndex;
    }

    Applied<PutResult> put(String key, String value) throws IOException {
        return store.put(nextIndex(), PutRequest.of(b(key), b(value)));
    }

    Applied<DeleteRangeResult> delete(String key) throws IOException {
        return store.deleteRange(nextIndex(), DeleteRangeRequest.single(b(key)));
    }

    Applied<TxnResult> txn(TxnRequest request) throws IOException {
        return store.txn(nextIndex(), request);
    }

    KeyValue get(String key) throws IOException {
        List<KeyValue> kvs = store.range(RangeRequest.single(b(key))).kvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    KeyValue getAt(String key, long revision) throws IOException {
        List<KeyValue> kvs = store.range(RangeRequest.single(b(key)).atRevision(revision)).kvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    List<String> keys(RangeRequest request) throws IOException {
        return store.range(request).kvs().stream().map(kv -> kv.getKey().toStringUtf8()).toList();
    }
}
