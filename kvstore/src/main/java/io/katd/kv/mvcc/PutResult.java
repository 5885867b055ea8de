package io.katd.kv.mvcc;

import io.katd.proto.etcd.mvccpb.KeyValue;
import java.util.Objects;
import java.util.Optional;

/**
 * @param revision the revision of the put
 * @param prevKv the key-value the put replaced, when asked for and when the key existed
 */
public record PutResult(long revision, Optional<KeyValue> prevKv) implements TxnOpResult {

    public PutResult {
        Objects.requireNonNull(prevKv, "prevKv");
    }
}
