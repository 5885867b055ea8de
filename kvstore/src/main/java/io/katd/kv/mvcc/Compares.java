package io.katd.kv.mvcc;

import io.katd.proto.etcd.mvccpb.KeyValue;
import java.io.IOException;
import java.util.List;

/** Evaluates transaction {@link Compare}s with etcd's rules. */
final class Compares {

    private Compares() {
    }

    static boolean allHold(List<Compare> compares, KeyIndex index, KeyValueReader reader,
            long at) throws IOException {
        for (Compare compare : compares) {
            if (!holds(compare, index, reader, at)) {
                return false;
            }
        }
        return true;
    }

    private static boolean holds(Compare compare, KeyIndex index, KeyValueReader reader, long at)
            throws IOException {
        KeyRange range = KeyRange.of(compare.key(), compare.rangeEnd());
        List<Revision> live = Ranges.liveRevisions(index, range, at);
        if (live.isEmpty()) {
            // etcd: a missing key has no value to compare, but zero version and revisions.
            return compare.target() != Compare.Target.VALUE
                    && matches(compare, KeyValue.getDefaultInstance());
        }
        for (Revision revision : live) {
            if (!matches(compare, reader.read(revision))) {
                return false;
            }
        }
        return true;
    }

    static boolean matches(Compare compare, KeyValue kv) {
        int order = switch (compare.target()) {
            case VALUE -> KeyRange.ORDER.compare(kv.getValue(), compare.value());
            case VERSION -> Long.compare(kv.getVersion(), compare.number());
            case CREATE -> Long.compare(kv.getCreateRevision(), compare.number());
            case MOD -> Long.compare(kv.getModRevision(), compare.number());
            case LEASE -> Long.compare(kv.getLease(), compare.number());
        };
        return switch (compare.result()) {
            case EQUAL -> order == 0;
            case NOT_EQUAL -> order != 0;
            case LESS -> order < 0;
            case GREATER -> order > 0;
        };
    }
}
