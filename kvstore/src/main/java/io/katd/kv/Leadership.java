package io.katd.kv;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * This node's leadership, from its Raft role: valid from the moment it was established (the
 * node led and committed an entry of {@link #term()}) until {@link #lost()} completes.
 *
 * <p>Writes through a leadership carry its term as a fencing token: the state machine applies
 * them only if their log entry was appended in that term, so once a successor has been
 * elected no write of this leadership can apply, even one still in flight. A rejected write
 * fails with {@link FencedWriteException}.
 */
public interface Leadership {

    /** The Raft term of this leadership: the fencing token. */
    long term();

    /** The name this node campaigned with. */
    String leaderId();

    /**
     * Completes when this node stops leading in {@link #term()}: step-down (CheckQuorum),
     * transfer, a higher term, or shutdown. Already complete if that happened before.
     */
    CompletableFuture<Void> lost();

    /** Whether {@link #lost()} has not completed yet. */
    default boolean isValid() {
        return !lost().isDone();
    }

    /** A fenced put; completes with the revision of the write. */
    CompletableFuture<Long> put(ByteString key, ByteString value);

    /** A fenced delete; completes with the number of keys deleted (0 or 1). */
    CompletableFuture<Long> delete(ByteString key);

    /** A fenced transaction; see {@link StateStore#doTransaction}. */
    CompletableFuture<TxnOutcome> doTransaction(List<Compare> checks, List<Op> onSuccess,
            List<Op> onFailure);
}
