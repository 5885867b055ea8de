package io.katd.kv.sm;

import io.katd.kv.mvcc.Compare;
import io.katd.kv.mvcc.DeleteRangeRequest;
import io.katd.kv.mvcc.DeleteRangeResult;
import io.katd.kv.mvcc.PutRequest;
import io.katd.kv.mvcc.PutResult;
import io.katd.kv.mvcc.RangeRequest;
import io.katd.kv.mvcc.RangeResult;
import io.katd.kv.mvcc.TxnOp;
import io.katd.kv.mvcc.TxnOpResult;
import io.katd.kv.mvcc.TxnRequest;
import io.katd.kv.mvcc.TxnResult;
import io.katd.proto.etcd.etcdserverpb.DeleteRangeResponse;
import io.katd.proto.etcd.etcdserverpb.PutResponse;
import io.katd.proto.etcd.etcdserverpb.RangeResponse;
import io.katd.proto.etcd.etcdserverpb.RequestOp;
import io.katd.proto.etcd.etcdserverpb.ResponseHeader;
import io.katd.proto.etcd.etcdserverpb.ResponseOp;
import io.katd.proto.etcd.etcdserverpb.TxnResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd's request messages to the MVCC engine's records and its results back to etcd's
 * response messages. Requests the engine cannot express (etcd options katd does not
 * implement) are refused with {@link IllegalArgumentException}, which the state machine
 * turns into an INVALID rejection.
 */
final class Convert {

    private Convert() {
    }

    /** {@code p} must have been through {@link PutDefaults} when it sets an ignore flag. */
    static PutRequest put(io.katd.proto.etcd.etcdserverpb.PutRequest p) {
        PutRequest r = new PutRequest(p.getKey(), p.getValue(), p.getLease(), false);
        return p.getPrevKv() ? r.withPrevKv() : r;
    }

    static DeleteRangeRequest deleteRange(io.katd.proto.etcd.etcdserverpb.DeleteRangeRequest d) {
        DeleteRangeRequest r = DeleteRangeRequest.of(d.getKey(), d.getRangeEnd());
        return d.getPrevKv() ? r.withPrevKv() : r;
    }

    static RangeRequest range(io.katd.proto.etcd.etcdserverpb.RangeRequest q) {
        if (q.getMinModRevision() != 0 || q.getMaxModRevision() != 0
                || q.getMinCreateRevision() != 0 || q.getMaxCreateRevision() != 0) {
            throw new IllegalArgumentException("revision filters are not supported");
        }
        return new RangeRequest(q.getKey(), q.getRangeEnd(), q.getLimit(),
                Math.max(0, q.getRevision()),
                RangeRequest.SortTarget.values()[q.getSortTargetValue()],
                RangeRequest.SortOrder.values()[q.getSortOrderValue()], q.getKeysOnly(),
                q.getCountOnly());
    }

    static TxnRequest txn(io.katd.proto.etcd.etcdserverpb.TxnRequest t) {
        List<Compare> compares = new ArrayList<>();
        for (io.katd.proto.etcd.etcdserverpb.Compare c : t.getCompareList()) {
            compares.add(compare(c));
        }
        return new TxnRequest(compares, ops(t.getSuccessList()), ops(t.getFailureList()));
    }

    private static List<TxnOp> ops(List<RequestOp> ops) {
        List<TxnOp> out = new ArrayList<>(ops.size());
        for (RequestOp op : ops) {
            out.add(switch (op.getRequestCase()) {
                case REQUEST_RANGE -> range(op.getRequestRange());
                case REQUEST_PUT -> put(op.getRequestPut());
                case REQUEST_DELETE_RANGE -> deleteRange(op.getRequestDeleteRange());
                case REQUEST_TXN -> txn(op.getRequestTxn());
                case REQUEST_NOT_SET -> throw new IllegalArgumentException("empty txn op");
            });
        }
        return out;
    }

    private static Compare compare(io.katd.proto.etcd.etcdserverpb.Compare c) {
        Compare.Result result = switch (c.getResult()) {
            case EQUAL -> Compare.Result.EQUAL;
            case NOT_EQUAL -> Compare.Result.NOT_EQUAL;
            case LESS -> Compare.Result.LESS;
            case GREATER -> Compare.Result.GREATER;
            case UNRECOGNIZED -> throw new IllegalArgumentException("unknown compare result");
        };
        Compare base = switch (c.getTarget()) {
            case VALUE -> Compare.value(c.getKey(), result, c.getValue());
            case VERSION -> Compare.version(c.getKey(), result, c.getVersion());
            case CREATE -> Compare.createRevision(c.getKey(), result, c.getCreateRevision());
            case MOD -> Compare.modRevision(c.getKey(), result, c.getModRevision());
            case LEASE -> Compare.lease(c.getKey(), result, c.getLease());
            case UNRECOGNIZED -> throw new IllegalArgumentException("unknown compare target");
        };
        return c.getRangeEnd().isEmpty() ? base : base.withRangeEnd(c.getRangeEnd());
    }

    static PutResponse putResponse(ResponseHeader header, PutResult r) {
        PutResponse.Builder b = PutResponse.newBuilder().setHeader(header);
        r.prevKv().ifPresent(b::setPrevKv);
        return b.build();
    }

    static DeleteRangeResponse deleteResponse(ResponseHeader header, DeleteRangeResult r) {
        return DeleteRangeResponse.newBuilder().setHeader(header).setDeleted(r.deleted())
                .addAllPrevKvs(r.prevKvs()).build();
    }

    static RangeResponse rangeResponse(ResponseHeader header, RangeResult r) {
        return RangeResponse.newBuilder().setHeader(header).addAllKvs(r.kvs())
                .setMore(r.more()).setCount(r.count()).build();
    }

    static TxnResponse txnResponse(ResponseHeader header, TxnResult r) {
        TxnResponse.Builder b = TxnResponse.newBuilder().setHeader(header)
                .setSucceeded(r.succeeded());
        for (TxnOpResult op : r.results()) {
            ResponseHeader h = header.toBuilder().setRevision(op.revision()).build();
            ResponseOp.Builder rop = ResponseOp.newBuilder();
            if (op instanceof RangeResult range) {
                rop.setResponseRange(rangeResponse(h, range));
            } else if (op instanceof PutResult put) {
                rop.setResponsePut(putResponse(h, put));
            } else if (op instanceof DeleteRangeResult del) {
                rop.setResponseDeleteRange(deleteResponse(h, del));
            } else if (op instanceof TxnResult txn) {
                rop.setResponseTxn(txnResponse(h, txn));
            } else {
                throw new AssertionError(op);
            }
            b.addResponses(rop);
        }
        return b.build();
    }

    /** The leases that puts anywhere in {@code t} (either branch, nested too) name. */
    static List<Long> leasesOf(io.katd.proto.etcd.etcdserverpb.TxnRequest t) {
        List<Long> leases = new ArrayList<>();
        collectLeases(t.getSuccessList(), leases);
        collectLeases(t.getFailureList(), leases);
        return leases;
    }

    private static void collectLeases(List<RequestOp> ops, List<Long> leases) {
        for (RequestOp op : ops) {
            if (op.hasRequestPut() && op.getRequestPut().getLease() != 0) {
                leases.add(op.getRequestPut().getLease());
            } else if (op.hasRequestTxn()) {
                leases.addAll(leasesOf(op.getRequestTxn()));
            }
        }
    }
}
