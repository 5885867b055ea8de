package io.katd.kv;

import com.google.protobuf.ByteString;
import io.katd.kv.election.LeaderElection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A {@link Leadership} whose writes carry its term as fence. */
final class FencedLeadership implements Leadership {
    private final RaftStateStore store;
    private final LeaderElection.Established established;

    FencedLeadership(RaftStateStore store, LeaderElection.Established established) {
        this.store = store;
        this.established = established;
    }

    @Override
    public long term() {
        return established.term();
    }

    @Override
    public String leaderId() {
        return established.leaderId();
    }

    @Override
    public CompletableFuture<Void> lost() {
        return established.lost();
    }

    @Override
    public CompletableFuture<Long> put(ByteString key, ByteString value) {
        return store.propose(RaftStateStore.putCommand(key, value, 0, term()),
                r -> r.getPut().getHeader().getRevision());
    }

    @Override
    public CompletableFuture<Long> delete(ByteString key) {
        return store.propose(RaftStateStore.deleteCommand(key, term()),
                r -> r.getDeleteRange().getDeleted());
    }

    @Override
    public CompletableFuture<TxnOutcome> doTransaction(List<Compare> checks,
            List<Op> onSuccess, List<Op> onFailure) {
        return store.propose(RaftStateStore.txnCommand(checks, onSuccess, onFailure, term()),
                r -> Results.txn(r.getTxn()));
    }

    @Override
    public String toString() {
        return "Leadership[" + leaderId() + ", term " + term() + "]";
    }
}
