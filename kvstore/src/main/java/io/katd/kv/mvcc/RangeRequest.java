package io.katd.kv.mvcc;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * Reads the keys named by {@code key} and {@code rangeEnd} (see {@link KeyRanges}).
 *
 * @param limit the most key-values to return; 0 means no limit
 * @param revision the revision to read at; 0 means the current one
 * @param sortTarget what to sort by; sorting is stable, so ties stay in ascending key order
 * @param sortOrder {@link SortOrder#NONE} returns ascending key order, except that with a
 *     target other than {@link SortTarget#KEY} it means ascending (etcd's rule)
 * @param keysOnly return key-values without their values
 * @param countOnly return only the count
 */
public record RangeRequest(ByteString key, ByteString rangeEnd, long limit, long revision,
        SortTarget sortTarget, SortOrder sortOrder, boolean keysOnly, boolean countOnly)
        implements TxnOp {

    public enum SortOrder { NONE, ASCEND, DESCEND }

    public enum SortTarget { KEY, VERSION, CREATE, MOD, VALUE }

    public RangeRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(rangeEnd, "rangeEnd");
        Objects.requireNonNull(sortTarget, "sortTarget");
        Objects.requireNonNull(sortOrder, "sortOrder");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("range key must not be empty");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        if (revision < 0) {
            throw new IllegalArgumentException("revision must be >= 0, got " + revision);
        }
    }

    /** Reads one key. */
    public static RangeRequest single(ByteString key) {
        return of(key, ByteString.EMPTY);
    }

    /** Reads the keys named by {@code key} and {@code rangeEnd}. */
    public static RangeRequest of(ByteString key, ByteString rangeEnd) {
        return new RangeRequest(key, rangeEnd, 0, 0, SortTarget.KEY, SortOrder.NONE, false,
                false);
    }

    /** Reads every key starting with {@code prefix}; an empty prefix reads every key. */
    public static RangeRequest prefix(ByteString prefix) {
        return prefix.isEmpty()
                ? of(KeyRanges.FROM_KEY, KeyRanges.FROM_KEY)
                : of(prefix, KeyRanges.prefixEnd(prefix));
    }

    public RangeRequest withLimit(long newLimit) {
        return new RangeRequest(key, rangeEnd, newLimit, revision, sortTarget, sortOrder,
                keysOnly, countOnly);
    }

    public RangeRequest atRevision(long newRevision) {
        return new RangeRequest(key, rangeEnd, limit, newRevision, sortTarget, sortOrder,
                keysOnly, countOnly);
    }

    public RangeRequest sortedBy(SortTarget target, SortOrder order) {
        return new RangeRequest(key, rangeEnd, limit, revision, target, order, keysOnly,
                countOnly);
    }

    public RangeRequest withKeysOnly() {
        return new RangeRequest(key, rangeEnd, limit, revision, sortTarget, sortOrder, true,
                countOnly);
    }

    public RangeRequest withCountOnly() {
        return new RangeRequest(key, rangeEnd, limit, revision, sortTarget, sortOrder,
                keysOnly, true);
    }
}
