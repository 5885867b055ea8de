package io.katd.kv.mvcc;

import com.google.protobuf.ByteString;
import io.katd.kv.mvcc.RangeRequest.SortOrder;
import io.katd.kv.mvcc.RangeRequest.SortTarget;
import io.katd.proto.etcd.mvccpb.Event;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The "dumb" reference for the MVCC engine: the whole key space copied at every revision, and
 * the events of every revision in a list. No index, no encoding, no compaction of anything
 * but a number; written from the package documentation, not from the engine's code.
 */
final class Model {

    /** An operation the store refused with a revision error. */
    record Rejected(String reason, long requested, long bound) {
    }

    static final Comparator<ByteString> ORDER = ByteString.unsignedLexicographicalComparator();
    private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

    // states.get(r - 1) is the key space at revision r; never mutated once added.
    private final List<NavigableMap<ByteString, KeyValue>> states;
    // eventsAt.get(r - 1) are the events of revision r, with prev_kv where the key existed.
    private final List<List<Event>> eventsAt;
    private long compacted;
    private long applied;

    Model() {
        states = new ArrayList<>(List.of(new TreeMap<>(ORDER)));
        eventsAt = new ArrayList<>(List.of(List.of()));
    }

    private Model(Model other) {
        states = new ArrayList<>(other.states);
        eventsAt = new ArrayList<>(other.eventsAt);
        compacted = other.compacted;
        applied = other.applied;
    }

    Model copy() {
        return new Model(this);
    }

    long current() {
        return states.size();
    }

    long compacted() {
        return compacted;
    }

    long applied() {
        return applied;
    }

    NavigableMap<ByteString, KeyValue> stateAt(long revision) {
        return states.get((int) revision - 1);
    }

    static boolean inRange(ByteString k, ByteString key, ByteString rangeEnd) {
        if (rangeEnd.isEmpty()) {
            return k.equals(key);
        }
        boolean fromKey = ORDER.compare(k, key) >= 0;
        return rangeEnd.equals(ZERO) ? fromKey : fromKey && ORDER.compare(k, rangeEnd) < 0;
    }

    // ---- reads

    Object range(RangeRequest request) {
        long at = request.revision() == 0 ? current() : request.revision();
        if (at > current()) {
            return new Rejected("future", at, current());
        }
        if (at < compacted) {
            return new Rejected("compacted", at, compacted);
        }
        return read(stateAt(at), request, current());
    }

    static RangeResult read(NavigableMap<ByteString, KeyValue> state, RangeRequest request,
            long header) {
        List<KeyValue> matching = new ArrayList<>();
        for (KeyValue kv : state.values()) {
            if (inRange(kv.getKey(), request.key(), request.rangeEnd())) {
                matching.add(kv);
            }
        }
        long count = matching.size();
        if (request.countOnly()) {
            return new RangeResult(List.of(), count, false, header);
        }
        Comparator<KeyValue> by = switch (request.sortTarget()) {
            case KEY -> Comparator.comparing(KeyValue::getKey, ORDER);
            case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
            case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
            case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
            case VALUE -> Comparator.comparing(KeyValue::getValue, ORDER);
        };
        if (request.sortOrder() == SortOrder.DESCEND) {
            matching.sort(by.reversed());
        } else if (request.sortTarget() != SortTarget.KEY) {
            matching.sort(by);
        }
        List<KeyValue> kvs = new ArrayList<>();
        for (KeyValue kv : matching) {
            if (request.limit() > 0 && kvs.size() == request.limit()) {
                break;
            }
            kvs.add(request.keysOnly() ? kv.toBuilder().setValue(ByteString.EMPTY).build() : kv);
        }
        return new RangeResult(kvs, count, count > kvs.size(), header);
    }

    Object events(long from, long to, ByteString key, ByteString rangeEnd, boolean prevKv) {
        if (from <= compacted) {
            return new Rejected("compacted", from, compacted);
        }
        if (to > current()) {
            return new Rejected("future", to, current());
        }
        List<Event> out = new ArrayList<>();
        for (long r = from; r <= to; r++) {
            for (Event event : eventsAt.get((int) r - 1)) {
                if (inRange(event.getKv().getKey(), key, rangeEnd)) {
                    out.add(prevKv ? event : event.toBuilder().clearPrevKv().build());
                }
            }
        }
        return out;
    }

    // ---- writes

    Object compact(long raftIndex, long revision) {
        applied = raftIndex;
        if (revision <= compacted) {
            return new Rejected("compacted", revision, compacted);
        }
        if (revision > current()) {
            return new Rejected("future", revision, current());
        }
        compacted = revision;
        return current();
    }

    Object txn(long raftIndex, TxnRequest request) {
        applied = raftIndex;
        Rejected rejected = firstBadRead(request);
        if (rejected != null) {
            return rejected;
        }
        Run run = new Run();
        TxnResult result = run.txn(request);
        run.finish();
        return new Applied<>(result, run.events);
    }

    Object put(long raftIndex, PutRequest request) {
        applied = raftIndex;
        Run run = new Run();
        PutResult result = run.put(request);
        run.finish();
        return new Applied<>(result, run.events);
    }

    Object deleteRange(long raftIndex, DeleteRangeRequest request) {
        applied = raftIndex;
        Run run = new Run();
        DeleteRangeResult result = run.delete(request);
        run.finish();
        return new Applied<>(result, run.events);
    }

    private boolean comparesHold(List<Compare> compares) {
        NavigableMap<ByteString, KeyValue> before = stateAt(current());
        for (Compare c : compares) {
            List<KeyValue> kvs = new ArrayList<>();
            for (KeyValue kv : before.values()) {
                if (inRange(kv.getKey(), c.key(), c.rangeEnd())) {
                    kvs.add(kv);
                }
            }
            if (kvs.isEmpty()) {
                if (c.target() == Compare.Target.VALUE) {
                    return false;
                }
                kvs.add(KeyValue.getDefaultInstance());
            }
            for (KeyValue kv : kvs) {
                if (!compareHolds(c, kv)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean compareHolds(Compare c, KeyValue kv) {
        int order = switch (c.target()) {
            case VALUE -> ORDER.compare(kv.getValue(), c.value());
            case VERSION -> Long.compare(kv.getVersion(), c.number());
            case CREATE -> Long.compare(kv.getCreateRevision(), c.number());
            case MOD -> Long.compare(kv.getModRevision(), c.number());
            case LEASE -> Long.compare(kv.getLease(), c.number());
        };
        return switch (c.result()) {
            case EQUAL -> order == 0;
            case NOT_EQUAL -> order != 0;
            case LESS -> order < 0;
            case GREATER -> order > 0;
        };
    }

    private Rejected firstBadRead(TxnRequest request) {
        for (TxnOp op : comparesHold(request.compares()) ? request.success() : request.failure()) {
            if (op instanceof RangeRequest range) {
                if (range.revision() > current()) {
                    return new Rejected("future", range.revision(), current());
                }
                if (range.revision() != 0 && range.revision() < compacted) {
                    return new Rejected("compacted", range.revision(), compacted);
                }
            } else if (op instanceof TxnRequest nested) {
                Rejected rejected = firstBadRead(nested);
                if (rejected != null) {
                    return rejected;
                }
            }
        }
        return null;
    }

    /** One write transaction over a working copy of the current key space. */
    private final class Run {
        final long base = current();
        final long revision = base + 1;
        final NavigableMap<ByteString, KeyValue> working = new TreeMap<>(stateAt(base));
        final List<Event> events = new ArrayList<>();

        long observed() {
            return events.isEmpty() ? base : revision;
        }

        void finish() {
            if (!events.isEmpty()) {
                states.add(working);
                eventsAt.add(List.copyOf(events));
            }
        }

        TxnResult txn(TxnRequest request) {
            boolean ok = comparesHold(request.compares());
            List<TxnOpResult> results = new ArrayList<>();
            for (TxnOp op : ok ? request.success() : request.failure()) {
                if (op instanceof RangeRequest range) {
                    results.add(range.revision() == 0
                            ? read(working, range, observed())
                            : read(stateAt(range.revision()), range, observed()));
                } else if (op instanceof PutRequest put) {
                    results.add(put(put));
                } else if (op instanceof DeleteRangeRequest delete) {
                    results.add(delete(delete));
                } else {
                    results.add(txn((TxnRequest) op));
                }
            }
            return new TxnResult(ok, results, observed());
        }

        PutResult put(PutRequest request) {
            KeyValue previous = working.get(request.key());
            KeyValue kv = KeyValue.newBuilder()
                    .setKey(request.key())
                    .setValue(request.value())
                    .setLease(request.lease())
                    .setModRevision(revision)
                    .setCreateRevision(previous == null ? revision : previous.getCreateRevision())
                    .setVersion(previous == null ? 1 : previous.getVersion() + 1)
                    .build();
            working.put(request.key(), kv);
            Event.Builder event = Event.newBuilder().setType(Event.EventType.PUT).setKv(kv);
            if (previous != null) {
                event.setPrevKv(previous);
            }
            events.add(event.build());
            return new PutResult(revision,
                    request.prevKv() ? Optional.ofNullable(previous) : Optional.empty());
        }

        DeleteRangeResult delete(DeleteRangeRequest request) {
            List<KeyValue> gone = new ArrayList<>();
            for (KeyValue kv : working.values()) {
                if (inRange(kv.getKey(), request.key(), request.rangeEnd())) {
                    gone.add(kv);
                }
            }
            for (KeyValue kv : gone) {
                working.remove(kv.getKey());
                events.add(Event.newBuilder()
                        .setType(Event.EventType.DELETE)
                        .setKv(KeyValue.newBuilder().setKey(kv.getKey()).setModRevision(revision))
                        .setPrevKv(kv)
                        .build());
            }
            return new DeleteRangeResult(observed(), gone.size(),
                    request.prevKv() ? gone : List.of());
        }
    }
}
