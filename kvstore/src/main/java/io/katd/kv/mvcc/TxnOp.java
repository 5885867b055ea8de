package io.katd.kv.mvcc;

/** An operation of a transaction's success or failure branch; also a request on its own. */
public sealed interface TxnOp permits RangeRequest, PutRequest, DeleteRangeRequest, TxnRequest {
}
