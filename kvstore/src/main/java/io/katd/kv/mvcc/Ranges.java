package io.katd.kv.mvcc;

import io.katd.kv.mvcc.RangeRequest.SortOrder;
import io.katd.kv.mvcc.RangeRequest.SortTarget;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Range reads over the key index: etcd's limit, count, sort and keys-only rules. */
final class Ranges {

    private Ranges() {
    }

    /**
     * Reads {@code request} as of revision {@code at}, which the caller has checked against
     * the compacted and current revisions.
     */
    static RangeResult read(KeyIndex index, KeyValueReader reader, RangeRequest request,
            long at, long headerRevision) throws IOException {
        KeyRange range = KeyRange.of(request.key(), request.rangeEnd());
        SortOrder order = effectiveOrder(request);
        boolean sort = !(order == SortOrder.NONE
                || (order == SortOrder.ASCEND && request.sortTarget() == SortTarget.KEY));
        long limit = request.limit() == 0 ? Long.MAX_VALUE : request.limit();
        // Without sorting, the index already yields the answer's order, so only the first
        // `limit` values are loaded; the rest are only counted.
        long loadMax = request.countOnly() ? 0 : sort ? Long.MAX_VALUE : limit;
        List<Revision> toLoad = new ArrayList<>();
        long count = 0;
        for (KeyHistory history : index.slice(range).values()) {
            Revision live = history.liveAt(at);
            if (live == null) {
                continue;
            }
            count++;
            if (toLoad.size() < loadMax) {
                toLoad.add(live);
            }
        }
        if (request.countOnly()) {
            return new RangeResult(List.of(), count, false, headerRevision);
        }
        List<KeyValue> kvs = new ArrayList<>(toLoad.size());
        for (Revision revision : toLoad) {
            kvs.add(reader.read(revision));
        }
        if (sort) {
            kvs.sort(comparator(request.sortTarget(), order));
            if (kvs.size() > limit) {
                kvs = kvs.subList(0, (int) limit);
            }
        }
        // Values go only after sorting, which may sort by value.
        if (request.keysOnly()) {
            kvs = kvs.stream().map(kv -> kv.toBuilder().clearValue().build()).toList();
        }
        return new RangeResult(kvs, count, count > kvs.size(), headerRevision);
    }

    private static SortOrder effectiveOrder(RangeRequest request) {
        if (request.sortOrder() == SortOrder.NONE && request.sortTarget() != SortTarget.KEY) {
            return SortOrder.ASCEND;
        }
        return request.sortOrder();
    }

    private static Comparator<KeyValue> comparator(SortTarget target, SortOrder order) {
        Comparator<KeyValue> ascending = switch (target) {
            case KEY -> Comparator.comparing(KeyValue::getKey, KeyRange.ORDER);
            case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
            case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
            case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
            case VALUE -> Comparator.comparing(KeyValue::getValue, KeyRange.ORDER);
        };
        return order == SortOrder.DESCEND ? ascending.reversed() : ascending;
    }

    /** The revisions of the values live at {@code at} in {@code range}, in key order. */
    static List<Revision> liveRevisions(KeyIndex index, KeyRange range, long at) {
        List<Revision> live = new ArrayList<>();
        for (KeyHistory history : index.slice(range).values()) {
            Revision revision = history.liveAt(at);
            if (revision != null) {
                live.add(revision);
            }
        }
        return live;
    }
}
