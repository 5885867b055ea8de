package io.katd.kv.mvcc;

import java.util.List;

/**
 * If every compare holds, runs {@code success}, otherwise {@code failure}; atomically, as one
 * revision.
 *
 * <p>As in etcd, the compares of this transaction and of every nested transaction on the
 * chosen path are evaluated against the store as it was before the transaction, while reads
 * ({@link RangeRequest}s at revision 0) inside it see its earlier writes.
 */
public record TxnRequest(List<Compare> compares, List<TxnOp> success, List<TxnOp> failure)
        implements TxnOp {

    public TxnRequest {
        compares = List.copyOf(compares);
        success = List.copyOf(success);
        failure = List.copyOf(failure);
    }
}
