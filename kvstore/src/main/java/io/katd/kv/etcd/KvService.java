package io.katd.kv.etcd;

import io.grpc.stub.StreamObserver;
import io.katd.proto.etcd.etcdserverpb.CompactionRequest;
import io.katd.proto.etcd.etcdserverpb.CompactionResponse;
import io.katd.proto.etcd.etcdserverpb.DeleteRangeRequest;
import io.katd.proto.etcd.etcdserverpb.DeleteRangeResponse;
import io.katd.proto.etcd.etcdserverpb.KVGrpc;
import io.katd.proto.etcd.etcdserverpb.PutRequest;
import io.katd.proto.etcd.etcdserverpb.PutResponse;
import io.katd.proto.etcd.etcdserverpb.RangeRequest;
import io.katd.proto.etcd.etcdserverpb.RangeResponse;
import io.katd.proto.etcd.etcdserverpb.RequestOp;
import io.katd.proto.etcd.etcdserverpb.TxnRequest;
import io.katd.proto.etcd.etcdserverpb.TxnResponse;
import io.katd.proto.kv.KvCommand;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's KV service: reads through {@code RaftStateStore.range} (ReadIndex unless
 * serializable), writes as {@link KvCommand}s through the log.
 */
final class KvService extends KVGrpc.KVImplBase {
    // etcd's default --max-txn-ops.
    static final int MAX_TXN_OPS = 128;

    private final ServerContext member;

    KvService(ServerContext member) {
        this.member = member;
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> out) {
        if (request.getKey().isEmpty()) {
            out.onError(EtcdErrors.EMPTY_KEY);
            return;
        }
        member.reply(member.store.range(request), out, r -> r.toBuilder()
                .setHeader(member.header(r.getHeader())).build());
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> out) {
        RuntimeException bad = checkPut(request);
        if (bad != null) {
            out.onError(bad);
            return;
        }
        member.reply(member.propose(KvCommand.newBuilder().setPut(request).build()), out, r -> {
            PutResponse p = ServerContext.accepted(r).getPut();
            return p.toBuilder().setHeader(member.header(p.getHeader())).build();
        });
    }

    @Override
    public void deleteRange(DeleteRangeRequest request,
            StreamObserver<DeleteRangeResponse> out) {
        if (request.getKey().isEmpty()) {
            out.onError(EtcdErrors.EMPTY_KEY);
            return;
        }
        member.reply(member.propose(KvCommand.newBuilder().setDeleteRange(request).build()),
                out, r -> {
                    DeleteRangeResponse d = ServerContext.accepted(r).getDeleteRange();
                    return d.toBuilder().setHeader(member.header(d.getHeader())).build();
                });
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> out) {
        RuntimeException bad = checkTxn(request);
        if (bad != null) {
            out.onError(bad);
            return;
        }
        member.reply(member.propose(KvCommand.newBuilder().setTxn(request).build()), out,
                r -> {
                    TxnResponse t = ServerContext.accepted(r).getTxn();
                    return t.toBuilder().setHeader(member.header(t.getHeader())).build();
                });
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> out) {
        CompletableFuture<io.katd.proto.kv.KvResult> f = member.propose(KvCommand.newBuilder()
                .setCompaction(request).build());
        member.reply(f, out, r -> CompactionResponse.newBuilder().setHeader(member.header(
                ServerContext.accepted(r).getCompaction().getHeader())).build());
    }

    private static RuntimeException checkPut(PutRequest p) {
        if (p.getKey().isEmpty()) {
            return EtcdErrors.EMPTY_KEY;
        }
        if (p.getIgnoreValue() && !p.getValue().isEmpty()) {
            return EtcdErrors.VALUE_PROVIDED;
        }
        if (p.getIgnoreLease() && p.getLease() != 0) {
            return EtcdErrors.LEASE_PROVIDED;
        }
        return null;
    }

    private static RuntimeException checkTxn(TxnRequest t) {
        if (t.getCompareCount() > MAX_TXN_OPS || t.getSuccessCount() > MAX_TXN_OPS
                || t.getFailureCount() > MAX_TXN_OPS) {
            return EtcdErrors.TOO_MANY_OPS;
        }
        for (var c : t.getCompareList()) {
            if (c.getKey().isEmpty()) {
                return EtcdErrors.EMPTY_KEY;
            }
        }
        RuntimeException bad = checkOps(t.getSuccessList());
        if (bad == null) {
            bad = checkOps(t.getFailureList());
        }
        return bad == null && !TxnKeyCheck.valid(t) ? EtcdErrors.DUPLICATE_KEY : bad;
    }

    private static RuntimeException checkOps(java.util.List<RequestOp> ops) {
        for (RequestOp op : ops) {
            RuntimeException bad = switch (op.getRequestCase()) {
                case REQUEST_RANGE -> op.getRequestRange().getKey().isEmpty()
                        ? EtcdErrors.EMPTY_KEY : null;
                case REQUEST_PUT -> checkPut(op.getRequestPut());
                case REQUEST_DELETE_RANGE -> op.getRequestDeleteRange().getKey().isEmpty()
                        ? EtcdErrors.EMPTY_KEY : null;
                case REQUEST_TXN -> checkTxn(op.getRequestTxn());
                case REQUEST_NOT_SET -> EtcdErrors.invalid("etcdserver: empty txn operation");
            };
            if (bad != null) {
                return bad;
            }
        }
        return null;
    }
}
