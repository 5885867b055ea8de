package io.katd.kv;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * A check of a transaction: {@code target} of {@code key} compared with an operand. As in
 * etcd, a missing key has version, revisions and lease 0, and every value check on it fails.
 *
 * @param number the operand for every target but VALUE (0 there)
 * @param value the operand for VALUE (empty otherwise)
 */
public record Compare(ByteString key, Target target, Operator operator, long number,
        ByteString value) {

    public enum Target { VALUE, VERSION, CREATE_REVISION, MOD_REVISION, LEASE }

    public enum Operator { EQUAL, NOT_EQUAL, LESS, GREATER }

    public Compare {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(value, "value");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a compare needs a non-empty key");
        }
        if (target == Target.VALUE ? number != 0 : !value.isEmpty()) {
            throw new IllegalArgumentException("a " + target + " compare takes "
                    + (target == Target.VALUE ? "a value, not a number" : "a number"));
        }
    }

    public static Compare value(ByteString key, Operator op, ByteString value) {
        return new Compare(key, Target.VALUE, op, 0, value);
    }

    public static Compare version(ByteString key, Operator op, long version) {
        return new Compare(key, Target.VERSION, op, version, ByteString.EMPTY);
    }

    public static Compare createRevision(ByteString key, Operator op, long revision) {
        return new Compare(key, Target.CREATE_REVISION, op, revision, ByteString.EMPTY);
    }

    public static Compare modRevision(ByteString key, Operator op, long revision) {
        return new Compare(key, Target.MOD_REVISION, op, revision, ByteString.EMPTY);
    }

    public static Compare lease(ByteString key, Operator op, long lease) {
        return new Compare(key, Target.LEASE, op, lease, ByteString.EMPTY);
    }
}
