package io.katd.kv.etcd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.katd.kv.CompactedRevisionException;
import io.katd.kv.InvalidRequestException;
import io.katd.kv.NoSuchLeaseException;
import io.katd.kv.NotLeaderException;
import io.katd.kv.StoreClosedException;
import io.katd.kv.StoreTimeoutException;
import io.katd.kv.StoreUnavailableException;
import io.katd.kv.mvcc.CompactedException;
import io.katd.kv.mvcc.FutureRevisionException;
import io.katd.proto.kv.Rejection;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

/**
 * The gRPC statuses etcd's server answers with: the codes and exact messages that etcd
 * clients map back to their error values (etcd's api/v3rpc/rpctypes).
 */
final class EtcdErrors {
    static final StatusRuntimeException EMPTY_KEY =
            err(Status.INVALID_ARGUMENT, "etcdserver: key is not provided");
    static final StatusRuntimeException KEY_NOT_FOUND =
            err(Status.INVALID_ARGUMENT, "etcdserver: key not found");
    static final StatusRuntimeException VALUE_PROVIDED =
            err(Status.INVALID_ARGUMENT, "etcdserver: value is provided");
    static final StatusRuntimeException LEASE_PROVIDED =
            err(Status.INVALID_ARGUMENT, "etcdserver: lease is provided");
    static final StatusRuntimeException TOO_MANY_OPS =
            err(Status.INVALID_ARGUMENT, "etcdserver: too many operations in txn request");
    static final StatusRuntimeException DUPLICATE_KEY =
            err(Status.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request");
    static final StatusRuntimeException COMPACTED = err(Status.OUT_OF_RANGE,
            "etcdserver: mvcc: required revision has been compacted");
    static final StatusRuntimeException FUTURE_REV = err(Status.OUT_OF_RANGE,
            "etcdserver: mvcc: required revision is a future revision");
    static final StatusRuntimeException LEASE_NOT_FOUND =
            err(Status.NOT_FOUND, "etcdserver: requested lease not found");
    static final StatusRuntimeException LEASE_EXIST =
            err(Status.FAILED_PRECONDITION, "etcdserver: lease already exists");
    static final StatusRuntimeException LEASE_TTL_TOO_LARGE =
            err(Status.OUT_OF_RANGE, "etcdserver: too large lease TTL");
    static final StatusRuntimeException PEER_URL_EXIST =
            err(Status.FAILED_PRECONDITION, "etcdserver: Peer URLs already exists");
    static final StatusRuntimeException MEMBER_BAD_URLS =
            err(Status.INVALID_ARGUMENT, "etcdserver: given member URLs are invalid");
    static final StatusRuntimeException MEMBER_NOT_FOUND =
            err(Status.NOT_FOUND, "etcdserver: member not found");
    static final StatusRuntimeException MEMBER_NOT_LEARNER =
            err(Status.FAILED_PRECONDITION, "etcdserver: can only promote a learner member");
    static final StatusRuntimeException LEARNER_NOT_READY = err(Status.FAILED_PRECONDITION,
            "etcdserver: can only promote a learner member which is in sync with leader");
    static final StatusRuntimeException NOT_ENOUGH_STARTED_MEMBERS =
            err(Status.FAILED_PRECONDITION, "etcdserver: re-configuration failed due to not"
                    + " enough started members");
    static final StatusRuntimeException TOO_MANY_LEARNERS =
            err(Status.FAILED_PRECONDITION, "etcdserver: too many learner members in cluster");
    static final StatusRuntimeException REQUEST_TOO_LARGE =
            err(Status.INVALID_ARGUMENT, "etcdserver: request is too large");
    static final StatusRuntimeException TOO_MANY_REQUESTS =
            err(Status.RESOURCE_EXHAUSTED, "etcdserver: too many requests");
    static final StatusRuntimeException NO_LEADER =
            err(Status.UNAVAILABLE, "etcdserver: no leader");
    static final StatusRuntimeException NOT_LEADER =
            err(Status.FAILED_PRECONDITION, "etcdserver: not leader");
    static final StatusRuntimeException STOPPED =
            err(Status.UNAVAILABLE, "etcdserver: server stopped");
    static final StatusRuntimeException TIMEOUT =
            err(Status.UNAVAILABLE, "etcdserver: request timed out");
    static final StatusRuntimeException BAD_LEADER_TRANSFEREE =
            err(Status.FAILED_PRECONDITION, "etcdserver: bad leader transferee");

    private EtcdErrors() {
    }

    private static StatusRuntimeException err(Status status, String message) {
        return status.withDescription(message).asRuntimeException();
    }

    /** A request etcd would refuse as malformed, with katd's own explanation. */
    static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    /** The status for a state-machine rejection. */
    static StatusRuntimeException of(Rejection rejection) {
        return switch (rejection.getReason()) {
            case COMPACTED -> COMPACTED;
            case FUTURE_REVISION -> FUTURE_REV;
            case LEASE_NOT_FOUND -> LEASE_NOT_FOUND;
            case LEASE_EXISTS -> LEASE_EXIST;
            case KEY_NOT_FOUND -> KEY_NOT_FOUND;
            case INVALID -> invalid("etcdserver: " + rejection.getMessage());
            case FENCED, UNKNOWN, UNRECOGNIZED -> Status.INTERNAL.withDescription(
                    "unexpected rejection " + rejection.getReason() + ": "
                            + rejection.getMessage()).asRuntimeException();
        };
    }

    /**
     * The status for a failed store future or a thrown exception. {@code leader} tells
     * whether this member knows a leader, to tell "no leader" from a slow cluster.
     */
    static StatusRuntimeException of(Throwable failure, LongSupplier leader) {
        Throwable t = unwrap(failure);
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StatusRuntimeException s) {
                return s;
            }
            if (c instanceof io.grpc.StatusException s) {
                return s.getStatus().asRuntimeException(s.getTrailers());
            }
            if (c instanceof FutureRevisionException) {
                return FUTURE_REV;
            }
            if (c instanceof CompactedException || c instanceof CompactedRevisionException) {
                return COMPACTED;
            }
        }
        if (t instanceof NoSuchLeaseException) {
            return LEASE_NOT_FOUND;
        }
        if (t instanceof StoreClosedException) {
            return STOPPED;
        }
        if (t instanceof NotLeaderException) {
            return leader.getAsLong() == 0 ? NO_LEADER : NOT_LEADER;
        }
        if (t instanceof StoreUnavailableException || t instanceof StoreTimeoutException) {
            return leader.getAsLong() == 0 ? NO_LEADER : TIMEOUT;
        }
        if (t instanceof InvalidRequestException || t instanceof IllegalArgumentException) {
            return invalid("etcdserver: " + t.getMessage());
        }
        return Status.INTERNAL.withDescription("etcdserver: " + t).withCause(t)
                .asRuntimeException();
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
