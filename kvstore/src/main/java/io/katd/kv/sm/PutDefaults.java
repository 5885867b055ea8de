package io.katd.kv.sm;

import io.katd.kv.mvcc.MvccStore;
import io.katd.kv.mvcc.RangeRequest;
import io.katd.proto.etcd.etcdserverpb.PutRequest;
import io.katd.proto.etcd.etcdserverpb.RequestOp;
import io.katd.proto.etcd.etcdserverpb.TxnRequest;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.io.IOException;
import java.util.List;

/**
 * etcd's ignore_value and ignore_lease: a put that sets them keeps the key's current value
 * or lease. Resolved on the apply thread against the applied state, before the write runs,
 * so every replica fills in the same value. A transaction's puts are resolved against the
 * state before the transaction, which is what they see: etcd refuses a transaction that
 * writes the same key twice.
 */
final class PutDefaults {

    /** A put with an ignore flag names a key that does not exist. */
    static final class KeyNotFound extends Exception {
        KeyNotFound(String key) {
            super("key " + key + " not found: ignore_value and ignore_lease need an"
                    + " existing key", null, false, false);
        }
    }

    private PutDefaults() {
    }

    static PutRequest resolve(PutRequest p, MvccStore store) throws IOException, KeyNotFound {
        if (!p.getIgnoreValue() && !p.getIgnoreLease()) {
            return p;
        }
        if (p.getKey().isEmpty()) {
            return p; // Convert refuses the empty key with its own message.
        }
        List<KeyValue> kvs = store.range(RangeRequest.single(p.getKey())).kvs();
        if (kvs.isEmpty()) {
            throw new KeyNotFound(p.getKey().toStringUtf8());
        }
        PutRequest.Builder b = p.toBuilder().clearIgnoreValue().clearIgnoreLease();
        if (p.getIgnoreValue()) {
            b.setValue(kvs.get(0).getValue());
        }
        if (p.getIgnoreLease()) {
            b.setLease(kvs.get(0).getLease());
        }
        return b.build();
    }

    static TxnRequest resolve(TxnRequest t, MvccStore store) throws IOException, KeyNotFound {
        TxnRequest.Builder b = t.toBuilder();
        for (int i = 0; i < b.getSuccessCount(); i++) {
            b.setSuccess(i, resolve(b.getSuccess(i), store));
        }
        for (int i = 0; i < b.getFailureCount(); i++) {
            b.setFailure(i, resolve(b.getFailure(i), store));
        }
        return b.build();
    }

    private static RequestOp resolve(RequestOp op, MvccStore store)
            throws IOException, KeyNotFound {
        if (op.hasRequestPut()) {
            return op.toBuilder().setRequestPut(resolve(op.getRequestPut(), store)).build();
        }
        if (op.hasRequestTxn()) {
            return op.toBuilder().setRequestTxn(resolve(op.getRequestTxn(), store)).build();
        }
        return op;
    }
}
