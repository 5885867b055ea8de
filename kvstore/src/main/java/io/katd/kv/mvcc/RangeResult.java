package io.katd.kv.mvcc;

import io.katd.proto.etcd.mvccpb.KeyValue;
import java.util.List;

/**
 * @param kvs the key-values read, at most the request's limit; empty when counting only
 * @param count how many keys the range held at the revision read, regardless of the limit
 * @param more whether the range held keys beyond those returned (never set when counting)
 * @param revision the store's current revision, like the header of etcd's response; not the
 *     revision read at
 */
public record RangeResult(List<KeyValue> kvs, long count, boolean more, long revision)
        implements TxnOpResult {

    public RangeResult {
        kvs = List.copyOf(kvs);
        if (count < kvs.size()) {
            throw new IllegalArgumentException("count " + count + " < " + kvs.size() + " kvs");
        }
    }
}
