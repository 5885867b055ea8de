package io.katd.kv.mvcc;

import com.google.protobuf.ByteString;
import io.katd.proto.etcd.mvccpb.Event;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One write transaction: every change it makes gets main revision {@code beginRevision + 1}
 * and the next sub revision. Changes go to the key index at once, so that later reads of the
 * same transaction see them, and to a backend batch that {@link #commit} writes with the
 * applied Raft index; {@link #rollback} takes them out of the index again if that write fails.
 */
final class WriteTxn implements KeyValueReader {

    /** The branch a transaction takes, decided before it writes anything. */
    record Plan(boolean succeeded, List<TxnOp> ops, List<Plan> nested) {
    }

    private final KeyIndex index;
    private final Backend backend;
    private final long beginRevision;
    private final long compactRevision;
    private final long revision;
    private final BackendBatch batch = new BackendBatch();
    // Invariant: pending holds the key-value of every live change in batch, and events has one
    // entry per change, so nextSub == events.size().
    private final Map<Revision, KeyValue> pending = new HashMap<>();
    private final List<Event> events = new ArrayList<>();
    private final Set<ByteString> touched = new LinkedHashSet<>();
    private long nextSub;

    WriteTxn(KeyIndex index, Backend backend, long beginRevision, long compactRevision) {
        this.index = index;
        this.backend = backend;
        this.beginRevision = beginRevision;
        this.compactRevision = compactRevision;
        this.revision = beginRevision + 1;
    }

    /** The store's revision after this transaction. */
    long endRevision() {
        return nextSub > 0 ? revision : beginRevision;
    }

    List<Event> events() {
        return events;
    }

    @Override
    public KeyValue read(Revision at) throws IOException {
        KeyValue kv = pending.get(at);
        return kv != null ? kv : Layout.readKeyValue(backend, at);
    }

    /**
     * Evaluates the compares of {@code request} and of the nested transactions on its path
     * against the store as it was before this transaction (etcd's rule), and checks the
     * revisions of the reads on that path, so that executing the plan cannot fail on input.
     */
    Plan plan(TxnRequest request) throws IOException {
        boolean succeeded = Compares.allHold(request.compares(), index, this, beginRevision);
        List<TxnOp> ops = succeeded ? request.success() : request.failure();
        List<Plan> nested = new ArrayList<>();
        for (TxnOp op : ops) {
            if (op instanceof RangeRequest range) {
                checkReadable(range.revision());
            } else if (op instanceof TxnRequest txn) {
                nested.add(plan(txn));
            }
        }
        return new Plan(succeeded, ops, nested);
    }

    private void checkReadable(long requested) {
        if (requested > beginRevision) {
            throw new FutureRevisionException(requested, beginRevision);
        }
        if (requested != 0 && requested < compactRevision) {
            throw new CompactedException(requested, compactRevision);
        }
    }

    TxnResult execute(Plan plan) throws IOException {
        List<TxnOpResult> results = new ArrayList<>(plan.ops().size());
        Iterator<Plan> nested = plan.nested().iterator();
        for (TxnOp op : plan.ops()) {
            if (op instanceof RangeRequest range) {
                results.add(range(range));
            } else if (op instanceof PutRequest put) {
                results.add(put(put));
            } else if (op instanceof DeleteRangeRequest delete) {
                results.add(deleteRange(delete));
            } else if (op instanceof TxnRequest) {
                results.add(execute(nested.next()));
            } else {
                throw new AssertionError(op);
            }
        }
        return new TxnResult(plan.succeeded(), results, endRevision());
    }

    RangeResult range(RangeRequest request) throws IOException {
        long at = request.revision() == 0 ? endRevision() : request.revision();
        return Ranges.read(index, this, request, at, endRevision());
    }

    PutResult put(PutRequest request) throws IOException {
        KeyHistory history = index.get(request.key());
        Revision previousAt = history == null ? null : history.liveAt(revision);
        KeyValue previous = previousAt == null ? null : read(previousAt);
        KeyValue kv = KeyValue.newBuilder()
                .setKey(request.key())
                .setCreateRevision(previous == null ? revision : previous.getCreateRevision())
                .setModRevision(revision)
                .setVersion(previous == null ? 1 : previous.getVersion() + 1)
                .setValue(request.value())
                .setLease(request.lease())
                .build();
        record(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv).build(), previous);
        return new PutResult(revision,
                request.prevKv() ? Optional.ofNullable(previous) : Optional.empty());
    }

    DeleteRangeResult deleteRange(DeleteRangeRequest request) throws IOException {
        KeyRange range = KeyRange.of(request.key(), request.rangeEnd());
        List<KeyValue> deleted = new ArrayList<>();
        // Collected first: recording tombstones must not run while iterating the index.
        for (Revision live : Ranges.liveRevisions(index, range, revision)) {
            deleted.add(read(live));
        }
        for (KeyValue previous : deleted) {
            KeyValue tombstone = KeyValue.newBuilder()
                    .setKey(previous.getKey())
                    .setModRevision(revision)
                    .build();
            record(Event.newBuilder().setType(Event.EventType.DELETE).setKv(tombstone).build(),
                    previous);
        }
        return new DeleteRangeResult(endRevision(), deleted.size(),
                request.prevKv() ? deleted : List.of());
    }

    private void record(Event stored, KeyValue previous) {
        Revision at = new Revision(revision, nextSub++);
        boolean tombstone = stored.getType() == Event.EventType.DELETE;
        ByteString key = stored.getKv().getKey();
        batch.put(Layout.revisionKey(at), stored.toByteArray());
        index.getOrCreate(key).append(at, tombstone);
        touched.add(key);
        if (!tombstone) {
            pending.put(at, stored.getKv());
        }
        events.add(previous == null ? stored : stored.toBuilder().setPrevKv(previous).build());
    }

    /**
     * Writes the changes, the applied index and the staged attachment (if not null) in one
     * batch; the revision moves iff changed.
     */
    void commit(long raftIndex, byte[] attachment) throws IOException {
        if (nextSub > 0) {
            batch.put(Layout.CURRENT_REVISION_KEY, Layout.encodeLong(revision));
        }
        batch.put(Layout.APPLIED_INDEX_KEY, Layout.encodeLong(raftIndex));
        if (attachment != null) {
            batch.put(Layout.ATTACHMENT_KEY, attachment);
        }
        backend.write(batch);
    }

    /** Takes this transaction's changes out of the key index; safe to call more than once. */
    void rollback() {
        for (ByteString key : touched) {
            KeyHistory history = index.get(key);
            if (history != null) {
                history.truncateFrom(revision);
                index.removeIfEmpty(key);
            }
        }
    }
}
