package io.katd.kv.mvcc;

/** The result of one {@link TxnOp}. */
public sealed interface TxnOpResult
        permits RangeResult, PutResult, DeleteRangeResult, TxnResult {

    /**
     * The store revision this operation observed or produced: inside a transaction, the
     * transaction's new revision once it has written, the revision it started at before that.
     */
    long revision();
}
