package io.katd.kv.sm;

import io.katd.kv.mvcc.MvccStore;
import io.katd.kv.mvcc.RangeResult;
import io.katd.proto.etcd.etcdserverpb.RangeRequest;
import io.katd.proto.etcd.etcdserverpb.RangeResponse;
import io.katd.proto.etcd.etcdserverpb.ResponseHeader;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd's Range on the applied state, with the mod and create revision filters the MVCC
 * engine does not know: as etcd does, a filtered range is read without a limit, filtered,
 * then cut to the limit; {@code count} stays the count of the whole range.
 */
final class RangeReads {

    private RangeReads() {
    }

    static RangeResponse serve(RangeRequest q, MvccStore store) throws IOException {
        if (!hasFilters(q)) {
            RangeResult r = store.range(Convert.range(q));
            return Convert.rangeResponse(header(r), r);
        }
        RangeRequest unfiltered = q.toBuilder().clearMinModRevision().clearMaxModRevision()
                .clearMinCreateRevision().clearMaxCreateRevision().clearLimit().build();
        RangeResult r = store.range(Convert.range(unfiltered));
        List<KeyValue> kept = new ArrayList<>();
        for (KeyValue kv : r.kvs()) {
            if (passes(q, kv)) {
                kept.add(kv);
            }
        }
        boolean more = q.getLimit() > 0 && kept.size() > q.getLimit();
        if (more) {
            kept = kept.subList(0, (int) q.getLimit());
        }
        return RangeResponse.newBuilder().setHeader(header(r)).addAllKvs(kept).setMore(more)
                .setCount(r.count()).build();
    }

    private static ResponseHeader header(RangeResult r) {
        return ResponseHeader.newBuilder().setRevision(r.revision()).build();
    }

    private static boolean hasFilters(RangeRequest q) {
        return q.getMinModRevision() != 0 || q.getMaxModRevision() != 0
                || q.getMinCreateRevision() != 0 || q.getMaxCreateRevision() != 0;
    }

    private static boolean passes(RangeRequest q, KeyValue kv) {
        if (q.getMinModRevision() > 0 && kv.getModRevision() < q.getMinModRevision()) {
            return false;
        }
        if (q.getMaxModRevision() > 0 && kv.getModRevision() > q.getMaxModRevision()) {
            return false;
        }
        if (q.getMinCreateRevision() > 0 && kv.getCreateRevision() < q.getMinCreateRevision()) {
            return false;
        }
        return q.getMaxCreateRevision() <= 0 || kv.getCreateRevision() <= q.getMaxCreateRevision();
    }
}
