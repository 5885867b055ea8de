package io.katd.kv;

import io.katd.kv.mvcc.CompactedException;
import io.katd.kv.mvcc.FutureRevisionException;
import io.katd.proto.etcd.etcdserverpb.ResponseOp;
import io.katd.proto.etcd.etcdserverpb.TxnResponse;
import io.katd.proto.etcd.mvccpb.Event;
import io.katd.proto.etcd.mvccpb.KeyValue;
import io.katd.proto.kv.KvResult;
import io.katd.proto.kv.Rejection;
import io.katd.raft.node.LeadershipLostException;
import io.katd.raft.node.NodeClosedException;
import io.katd.raft.node.ProposalDroppedException;
import io.katd.raft.node.ReadIndexDroppedException;
import io.katd.raft.node.RequestTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** The state machine's results and the runtime's failures, as the API's values and errors. */
final class Results {

    private Results() {
    }

    static KV kv(KeyValue kv) {
        return new KV(kv.getKey(), kv.getValue(), kv.getCreateRevision(), kv.getModRevision(),
                kv.getVersion(), kv.getLease());
    }

    static List<KV> kvs(List<KeyValue> kvs) {
        List<KV> out = new ArrayList<>(kvs.size());
        for (KeyValue kv : kvs) {
            out.add(kv(kv));
        }
        return out;
    }

    static WatchEvent event(Event e) {
        EventType type = e.getType() == Event.EventType.PUT ? EventType.PUT : EventType.DELETE;
        Optional<KV> prev = e.hasPrevKv() ? Optional.of(kv(e.getPrevKv())) : Optional.empty();
        return new WatchEvent(type, kv(e.getKv()), e.getKv().getModRevision(), prev);
    }

    static TxnOutcome txn(TxnResponse r) {
        List<OpResult> results = new ArrayList<>();
        for (ResponseOp op : r.getResponsesList()) {
            results.add(switch (op.getResponseCase()) {
                case RESPONSE_RANGE -> new OpResult(OpType.GET,
                        op.getResponseRange().getHeader().getRevision(),
                        kvs(op.getResponseRange().getKvsList()), 0);
                case RESPONSE_PUT -> new OpResult(OpType.PUT,
                        op.getResponsePut().getHeader().getRevision(), List.of(), 0);
                case RESPONSE_DELETE_RANGE -> new OpResult(OpType.DELETE,
                        op.getResponseDeleteRange().getHeader().getRevision(), List.of(),
                        op.getResponseDeleteRange().getDeleted());
                case RESPONSE_TXN, RESPONSE_NOT_SET -> throw new IllegalStateException(
                        "unexpected op result " + op.getResponseCase());
            });
        }
        return new TxnOutcome(r.getSucceeded(), r.getHeader().getRevision(), results);
    }

    /** The result, unless it is a rejection, which becomes the matching exception. */
    static KvResult accepted(KvResult r) {
        if (!r.hasRejected()) {
            return r;
        }
        Rejection rej = r.getRejected();
        throw switch (rej.getReason()) {
            case FENCED -> new FencedWriteException(rej.getMessage(), null);
            case COMPACTED -> new CompactedRevisionException(rej.getMessage(),
                    rej.getRevisionOrTerm());
            case LEASE_NOT_FOUND -> new NoSuchLeaseException(rej.getMessage(), null);
            default -> new InvalidRequestException(rej.getReason() + ": " + rej.getMessage(),
                    null);
        };
    }

    /** Any failure of a store future, as a {@link StoreException}. */
    static StoreException failure(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof StoreException s) {
            return s;
        }
        if (c instanceof ProposalDroppedException || c instanceof ReadIndexDroppedException) {
            return new StoreUnavailableException(c.getMessage(), c);
        }
        if (c instanceof LeadershipLostException || c instanceof RequestTimeoutException
                || c instanceof TimeoutException) {
            return new StoreTimeoutException("outcome unknown: " + c.getMessage(), c);
        }
        if (c instanceof NodeClosedException) {
            return new StoreClosedException(c.getMessage(), c);
        }
        if (c instanceof CompactedException e) {
            return new CompactedRevisionException(e.getMessage(), e.compactRevision());
        }
        if (c instanceof FutureRevisionException e) {
            return new InvalidRequestException(e.getMessage(), e);
        }
        if (c instanceof IllegalArgumentException) {
            return new InvalidRequestException(c.getMessage(), c);
        }
        return new StoreUnavailableException("request failed: " + c, c);
    }
}
