package io.katd.kv.mvcc;

import io.katd.proto.etcd.mvccpb.KeyValue;
import java.util.List;

/**
 * @param revision the revision of the delete; the unchanged current revision when it deleted
 *     nothing
 * @param deleted how many keys it deleted
 * @param prevKvs the deleted key-values in key order, when asked for
 */
public record DeleteRangeResult(long revision, long deleted, List<KeyValue> prevKvs)
        implements TxnOpResult {

    public DeleteRangeResult {
        prevKvs = List.copyOf(prevKvs);
        if (deleted < 0) {
            throw new IllegalArgumentException("deleted must be >= 0, got " + deleted);
        }
    }
}
