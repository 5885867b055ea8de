package io.katd.kv.mvcc;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * A transaction guard: {@code target(key) result operand} must hold for every key named by
 * {@code key} and {@code rangeEnd} (see {@link KeyRanges}).
 *
 * <p>As in etcd, when no key is in the range a value compare fails, and every other target
 * compares against zero (version, create and mod revision, lease of a missing key are 0).
 * Values compare as unsigned bytes, lexicographically.
 *
 * @param number the operand of the numeric targets; 0 for {@link Target#VALUE}
 * @param value the operand of {@link Target#VALUE}; empty for the numeric targets
 */
public record Compare(ByteString key, ByteString rangeEnd, Target target, Result result,
        long number, ByteString value) {

    public enum Target { VALUE, VERSION, CREATE, MOD, LEASE }

    public enum Result { EQUAL, NOT_EQUAL, LESS, GREATER }

    public Compare {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(rangeEnd, "rangeEnd");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(value, "value");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("compare key must not be empty");
        }
        if (target == Target.VALUE ? number != 0 : !value.isEmpty()) {
            throw new IllegalArgumentException("a " + target + " compare takes "
                    + (target == Target.VALUE ? "no number" : "no value"));
        }
    }

    public static Compare value(ByteString key, Result result, ByteString value) {
        return new Compare(key, ByteString.EMPTY, Target.VALUE, result, 0, value);
    }

    public static Compare version(ByteString key, Result result, long version) {
        return numeric(key, Target.VERSION, result, version);
    }

    public static Compare createRevision(ByteString key, Result result, long revision) {
        return numeric(key, Target.CREATE, result, revision);
    }

    public static Compare modRevision(ByteString key, Result result, long revision) {
        return numeric(key, Target.MOD, result, revision);
    }

    public static Compare lease(ByteString key, Result result, long lease) {
        return numeric(key, Target.LEASE, result, lease);
    }

    private static Compare numeric(ByteString key, Target target, Result result, long number) {
        return new Compare(key, ByteString.EMPTY, target, result, number, ByteString.EMPTY);
    }

    public Compare withRangeEnd(ByteString newRangeEnd) {
        return new Compare(key, newRangeEnd, target, result, number, value);
    }
}
