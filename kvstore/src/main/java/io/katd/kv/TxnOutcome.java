package io.katd.kv;

import java.util.List;

/**
 * What {@link StateStore#doTransaction} did.
 *
 * @param succeeded whether every check held (and so the success branch ran)
 * @param revision the store revision after the transaction
 * @param results one per operation of the branch that ran, in order
 */
public record TxnOutcome(boolean succeeded, long revision, List<OpResult> results) {

    public TxnOutcome {
        results = List.copyOf(results);
    }
}
