package io.katd.kv.etcd;

import com.google.protobuf.ByteString;
import io.katd.proto.etcd.etcdserverpb.DeleteRangeRequest;
import io.katd.proto.etcd.etcdserverpb.RequestOp;
import io.katd.proto.etcd.etcdserverpb.TxnRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * etcd's rule for the writes of one transaction branch: a key may be written at most once,
 * and never both put and deleted. Nested transactions count with their parent: the puts
 * of both their branches may happen (only one runs, so the two branches may put the same
 * key), and their deletes apply to the parent's puts. A branch that breaks the rule is
 * refused before it reaches the log, with etcd's "duplicate key given in txn request".
 */
final class TxnKeyCheck {
    private static final ByteString ALL_FROM = ByteString.copyFrom(new byte[] {0});

    /** The keys a branch may put and the ranges it may delete. */
    private record Writes(Set<ByteString> puts, List<Range> deletes) {
        boolean deletes(ByteString key) {
            for (Range r : deletes) {
                if (r.contains(key)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A delete range in etcd's terms: one key, every key from {@code key}, or [key, end). */
    private record Range(ByteString key, ByteString end) {
        static Range of(DeleteRangeRequest d) {
            return new Range(d.getKey(), d.getRangeEnd());
        }

        boolean contains(ByteString k) {
            if (end.isEmpty()) {
                return k.equals(key);
            }
            if (ByteString.unsignedLexicographicalComparator().compare(k, key) < 0) {
                return false;
            }
            return end.equals(ALL_FROM)
                    || ByteString.unsignedLexicographicalComparator().compare(k, end) < 0;
        }
    }

    private TxnKeyCheck() {}

    /** Whether both branches of {@code txn} write each key at most once. */
    static boolean valid(TxnRequest txn) {
        return writes(txn.getSuccessList()) != null && writes(txn.getFailureList()) != null;
    }

    /** The writes of one branch, or null when it writes a key twice. */
    private static Writes writes(List<RequestOp> ops) {
        List<Range> deletes = new ArrayList<>();
        for (RequestOp op : ops) {
            if (op.hasRequestDeleteRange()) {
                deletes.add(Range.of(op.getRequestDeleteRange()));
            }
        }
        Writes level = new Writes(new HashSet<>(), deletes);
        for (RequestOp op : ops) {
            if (!op.hasRequestTxn()) {
                continue;
            }
            Writes success = writes(op.getRequestTxn().getSuccessList());
            Writes failure = writes(op.getRequestTxn().getFailureList());
            if (success == null || failure == null) {
                return null;
            }
            if (!addNested(level, success, Set.of()) || !addNested(level, failure,
                    success.puts())) {
                return null;
            }
            // Later nested transactions and this level's puts must not write what these
            // may delete.
            deletes.addAll(success.deletes());
            deletes.addAll(failure.deletes());
        }
        for (RequestOp op : ops) {
            if (op.hasRequestPut() && !add(level, op.getRequestPut().getKey())) {
                return null;
            }
        }
        return level;
    }

    /**
     * Adds a nested branch's puts to {@code level}; a key the other branch of the same
     * transaction ({@code exclusive}) puts is no conflict, only one of them runs.
     */
    private static boolean addNested(Writes level, Writes branch, Set<ByteString> exclusive) {
        for (ByteString key : branch.puts()) {
            if (level.puts().contains(key) && !exclusive.contains(key)) {
                return false;
            }
            if (level.deletes(key)) {
                return false;
            }
            level.puts().add(key);
        }
        return true;
    }

    private static boolean add(Writes level, ByteString key) {
        return !level.deletes(key) && level.puts().add(key);
    }
}
