package io.katd.kv.mvcc;

import java.util.List;

/**
 * @param succeeded whether the compares held, so that the success branch ran
 * @param results one result per operation of the branch that ran, in order
 * @param revision for the outermost transaction, its new revision if it wrote and the revision
 *     it started at otherwise; for a nested one, as {@link TxnOpResult#revision()} says, the
 *     revision observed when it ended
 */
public record TxnResult(boolean succeeded, List<TxnOpResult> results, long revision)
        implements TxnOpResult {

    public TxnResult {
        results = List.copyOf(results);
    }
}
