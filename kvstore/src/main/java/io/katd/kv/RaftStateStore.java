package io.katd.kv;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.kv.election.LeaderElection;
import io.katd.kv.lease.Lease;
import io.katd.kv.lease.LeaseNotFoundException;
import io.katd.kv.lease.NotPrimaryException;
import io.katd.kv.mvcc.KeyRanges;
import io.katd.kv.mvcc.RangeRequest;
import io.katd.kv.sm.KvStateMachine;
import io.katd.kv.watch.CancelReason;
import io.katd.kv.watch.WatchRequest;
import io.katd.kv.watch.WatchResponse;
import io.katd.proto.etcd.etcdserverpb.Compare.CompareResult;
import io.katd.proto.etcd.etcdserverpb.Compare.CompareTarget;
import io.katd.proto.etcd.etcdserverpb.CompactionRequest;
import io.katd.proto.etcd.etcdserverpb.DeleteRangeRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseGrantRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseKeepAliveRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseRevokeRequest;
import io.katd.proto.etcd.etcdserverpb.PutRequest;
import io.katd.proto.etcd.etcdserverpb.RequestOp;
import io.katd.proto.etcd.etcdserverpb.TxnRequest;
import io.katd.proto.etcd.mvccpb.KeyValue;
import io.katd.proto.kv.KvCommand;
import io.katd.proto.kv.KvResult;
import io.katd.proto.kv.LeaderRecord;
import io.katd.raft.StateType;
import io.katd.raft.node.RaftNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@link StateStore} over a {@link RaftNode} running a {@link KvStateMachine}. Writes are
 * proposed through the node; linearizable reads wait for ReadIndex and then read the local
 * state machine, serializable ones read it at once.
 */
public final class RaftStateStore implements StateStore {

    /**
     * @param memberName the name this node records in {@code /kat/leader} when it leads
     *     without having campaigned
     * @param scheduler runs the leader's lease-expiry poll; owned by the caller
     * @param leasePoll how often the leader checks lease deadlines
     * @param requestTimeout bounds every future of this store
     */
    public record Options(String memberName, ScheduledExecutorService scheduler,
            Duration leasePoll, Duration requestTimeout) {
        public Options {
            Objects.requireNonNull(memberName, "memberName");
            Objects.requireNonNull(scheduler, "scheduler");
            Objects.requireNonNull(leasePoll, "leasePoll");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
        }
    }

    private final RaftNode<KvResult> node;
    private final KvStateMachine stateMachine;
    private final LeaderElection election;
    private final long timeoutMillis;

    /**
     * Takes a node that has not started yet over {@code stateMachine}, registers the
     * leadership listener and starts the node. The store owns both and closes them.
     */
    public RaftStateStore(RaftNode<KvResult> node, KvStateMachine stateMachine,
            Options options) {
        this.node = Objects.requireNonNull(node, "node");
        this.stateMachine = Objects.requireNonNull(stateMachine, "stateMachine");
        this.timeoutMillis = options.requestTimeout().toMillis();
        this.election = new LeaderElection(node, stateMachine, options.memberName(),
                options.scheduler(), options.leasePoll().toMillis());
        node.addListener(election);
        node.start();
    }

    /** The node's leadership machinery, for observers of leadership changes. */
    public LeaderElection election() {
        return election;
    }

    // ---- writes ---------------------------------------------------------------------

    @Override
    public CompletableFuture<Long> put(ByteString key, ByteString value) {
        return put(key, value, 0);
    }

    @Override
    public CompletableFuture<Long> put(ByteString key, ByteString value, long leaseId) {
        return propose(putCommand(key, value, leaseId, 0),
                r -> r.getPut().getHeader().getRevision());
    }

    @Override
    public CompletableFuture<Boolean> delete(ByteString key) {
        return propose(deleteCommand(key, 0), r -> r.getDeleteRange().getDeleted() > 0);
    }

    @Override
    public CompletableFuture<TxnOutcome> doTransaction(List<Compare> checks, List<Op> onSuccess,
            List<Op> onFailure) {
        return propose(txnCommand(checks, onSuccess, onFailure, 0),
                r -> Results.txn(r.getTxn()));
    }

    @Override
    public CompletableFuture<Long> grantLease(Duration ttl) {
        long seconds = ttl.toSeconds();
        if (seconds < 1) {
            return CompletableFuture.failedFuture(new InvalidRequestException(
                    "a lease TTL must be at least one second, was " + ttl, null));
        }
        return propose(KvCommand.newBuilder().setLeaseGrant(LeaseGrantRequest.newBuilder()
                .setTTL(seconds)).build(), r -> r.getLeaseGrant().getID());
    }

    @Override
    public CompletableFuture<LeaseInfo> timeToLive(long leaseId) {
        CompletableFuture<LeaseInfo> out = new CompletableFuture<>();
        readIndex().orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((i, e) -> {
            if (e != null) {
                out.completeExceptionally(Results.failure(e));
                return;
            }
            try {
                Lease lease = stateMachine.lease(leaseId).orElseThrow(
                        () -> new NoSuchLeaseException("lease " + leaseId + " not found", null));
                long remaining = stateMachine.leaseExpiry().remainingTtlSeconds(leaseId);
                out.complete(new LeaseInfo(leaseId, lease.ttlSeconds(), remaining,
                        lease.keys()));
            } catch (NotPrimaryException notLeader) {
                out.completeExceptionally(new NotLeaderException(
                        "lease deadlines are held by the leader",
                        node.status().softState().lead()));
            } catch (LeaseNotFoundException gone) {
                out.completeExceptionally(new NoSuchLeaseException(gone.getMessage(), gone));
            } catch (RuntimeException failure) {
                out.completeExceptionally(Results.failure(failure));
            }
        });
        return out;
    }

    @Override
    public CompletableFuture<Long> compact(long revision) {
        return propose(KvCommand.newBuilder().setCompaction(CompactionRequest.newBuilder()
                .setRevision(revision)).build(), r -> revision);
    }

    @Override
    public CompletableFuture<Void> revokeLease(long leaseId) {
        return propose(KvCommand.newBuilder().setLeaseRevoke(LeaseRevokeRequest.newBuilder()
                .setID(leaseId)).build(), r -> null);
    }

    @Override
    public CompletableFuture<Long> keepAlive(long leaseId) {
        // Through the log, so any member can renew: the leader restarts the deadline when
        // it applies the entry.
        return propose(KvCommand.newBuilder().setLeaseKeepAlive(LeaseKeepAliveRequest
                .newBuilder().setID(leaseId)).build(), r -> {
                    long ttl = r.getLeaseKeepAlive().getTTL();
                    if (ttl <= 0) {
                        throw new NoSuchLeaseException("lease " + leaseId + " has expired", null);
                    }
                    return ttl;
                });
    }

    <T> CompletableFuture<T> propose(KvCommand command, Function<KvResult, T> extract) {
        return propose(command, extract, true);
    }

    private <T> CompletableFuture<T> propose(KvCommand command, Function<KvResult, T> extract,
            boolean rejectionsFail) {
        CompletableFuture<T> out = new CompletableFuture<>();
        node.propose(command.toByteString())
                .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> {
                    try {
                        if (e != null) {
                            out.completeExceptionally(Results.failure(e));
                        } else {
                            out.complete(extract.apply(rejectionsFail ? Results.accepted(r)
                                    : r));
                        }
                    } catch (RuntimeException failure) {
                        out.completeExceptionally(Results.failure(failure));
                    }
                });
        return out;
    }

    static KvCommand putCommand(ByteString key, ByteString value, long lease, long fence) {
        return KvCommand.newBuilder().setFenceTerm(fence).setPut(PutRequest.newBuilder()
                .setKey(key).setValue(value).setLease(lease)).build();
    }

    static KvCommand deleteCommand(ByteString key, long fence) {
        return KvCommand.newBuilder().setFenceTerm(fence).setDeleteRange(DeleteRangeRequest
                .newBuilder().setKey(key)).build();
    }

    static KvCommand txnCommand(List<Compare> checks, List<Op> onSuccess, List<Op> onFailure,
            long fence) {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        for (Compare c : checks) {
            txn.addCompare(compare(c));
        }
        onSuccess.forEach(op -> txn.addSuccess(requestOp(op)));
        onFailure.forEach(op -> txn.addFailure(requestOp(op)));
        return KvCommand.newBuilder().setFenceTerm(fence).setTxn(txn).build();
    }

    private static io.katd.proto.etcd.etcdserverpb.Compare compare(Compare c) {
        var b = io.katd.proto.etcd.etcdserverpb.Compare.newBuilder().setKey(c.key())
                .setResult(CompareResult.valueOf(c.operator().name()));
        return switch (c.target()) {
            case VALUE -> b.setTarget(CompareTarget.VALUE).setValue(c.value()).build();
            case VERSION -> b.setTarget(CompareTarget.VERSION).setVersion(c.number()).build();
            case CREATE_REVISION -> b.setTarget(CompareTarget.CREATE)
                    .setCreateRevision(c.number()).build();
            case MOD_REVISION -> b.setTarget(CompareTarget.MOD).setModRevision(c.number())
                    .build();
            case LEASE -> b.setTarget(CompareTarget.LEASE).setLease(c.number()).build();
        };
    }

    private static RequestOp requestOp(Op op) {
        ByteString end = op.prefix() ? rangeEndOf(op.key()) : ByteString.EMPTY;
        ByteString key = op.prefix() && op.key().isEmpty() ? KeyRanges.FROM_KEY : op.key();
        return switch (op.type()) {
            case GET -> RequestOp.newBuilder().setRequestRange(
                    io.katd.proto.etcd.etcdserverpb.RangeRequest.newBuilder().setKey(key)
                            .setRangeEnd(end)).build();
            case PUT -> RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                    .setKey(op.key()).setValue(op.value()).setLease(op.lease())).build();
            case DELETE -> RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest
                    .newBuilder().setKey(key).setRangeEnd(end)).build();
        };
    }

    private static ByteString rangeEndOf(ByteString prefix) {
        return prefix.isEmpty() ? KeyRanges.FROM_KEY : KeyRanges.prefixEnd(prefix);
    }

    // ---- reads ----------------------------------------------------------------------

    @Override
    public CompletableFuture<Optional<KV>> get(ByteString key, ReadConsistency consistency) {
        return read(consistency, RangeRequest.single(key),
                kvs -> kvs.isEmpty() ? Optional.empty() : Optional.of(Results.kv(kvs.get(0))));
    }

    @Override
    public CompletableFuture<List<KV>> list(ByteString prefix, ReadConsistency consistency) {
        return read(consistency, RangeRequest.prefix(prefix), Results::kvs);
    }

    private <T> CompletableFuture<T> read(ReadConsistency consistency, RangeRequest request,
            Function<List<KeyValue>, T> extract) {
        return afterReadIndex(consistency == ReadConsistency.SERIALIZABLE,
                () -> extract.apply(stateMachine.range(request).kvs()), Results::failure);
    }

    /**
     * Serves etcd's Range request: at once from the local state when it asks for a
     * serializable read, otherwise after ReadIndex. The header carries the store's
     * revision only. Failures are the {@link StoreException}s of this store, with the
     * engine's {@code FutureRevisionException} as the cause of an
     * {@link InvalidRequestException} for a revision above the current one.
     */
    public CompletableFuture<io.katd.proto.etcd.etcdserverpb.RangeResponse> range(
            io.katd.proto.etcd.etcdserverpb.RangeRequest request) {
        return afterReadIndex(request.getSerializable(), () -> stateMachine.range(request),
                Results::failure);
    }

    /**
     * Proposes a command as it is and completes with its result as applied, a rejection
     * included; the runtime's failures become this store's {@link StoreException}s.
     */
    public CompletableFuture<KvResult> proposeCommand(KvCommand command) {
        return propose(command, Function.identity(), false);
    }

    private interface LocalRead<T> {
        T read() throws IOException;
    }

    // The one path of every read: wait for ReadIndex unless serializable, then read the
    // applied state on the completing thread.
    private <T> CompletableFuture<T> afterReadIndex(boolean serializable, LocalRead<T> read,
            Function<Throwable, ? extends Throwable> failure) {
        CompletableFuture<Long> ready = serializable
                ? CompletableFuture.completedFuture(0L) : readIndex();
        CompletableFuture<T> out = new CompletableFuture<>();
        ready.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((i, e) -> {
            if (e != null) {
                out.completeExceptionally(failure.apply(e));
                return;
            }
            try {
                out.complete(read.read());
            } catch (IOException ex) {
                out.completeExceptionally(failure.apply(new UncheckedIOException(ex)));
            } catch (RuntimeException ex) {
                out.completeExceptionally(failure.apply(ex));
            }
        });
        return out;
    }

    private CompletableFuture<Long> readIndex() {
        return node.readIndex();
    }

    // ---- watches --------------------------------------------------------------------

    @Override
    public WatchHandle watch(ByteString keyOrPrefix, long startRevision, WatchOptions options,
            WatchListener listener) {
        WatchRequest request = (options.prefix() ? WatchRequest.prefix(keyOrPrefix)
                : WatchRequest.key(keyOrPrefix)).fromRevision(startRevision);
        if (options.prevKv()) {
            request = request.withPrevKv();
        }
        if (options.progressNotify()) {
            request = request.withProgressNotify();
        }
        return startWatch(request, listener);
    }

    @Override
    public void requestProgress() {
        stateMachine.watchHub().progressNotify();
    }

    private WatchHandle startWatch(WatchRequest request, WatchListener listener) {
        Objects.requireNonNull(listener, "listener");
        long id = stateMachine.watchHub().watch(request, response -> deliver(response,
                listener));
        return () -> stateMachine.watchHub().cancel(id);
    }

    private static void deliver(WatchResponse response, WatchListener listener) {
        switch (response.kind()) {
            case EVENTS -> listener.onEvents(response.events().stream().map(Results::event)
                    .toList());
            case CANCELED -> {
                if (response.cancelReason() == CancelReason.COMPACTED) {
                    listener.onEnded(new CompactedRevisionException("watch start revision"
                            + " compacted", response.compactRevision()));
                } else if (response.cancelReason() != CancelReason.CLIENT) {
                    listener.onEnded(new StoreClosedException("watch ended: "
                            + response.cancelReason(), null));
                }
            }
            case PROGRESS -> listener.onProgress(response.revision());
            case CREATED -> { }
        }
    }

    // ---- leadership -----------------------------------------------------------------

    @Override
    public CompletableFuture<Leadership> campaign(String leaderId, Duration leaseTtl) {
        return election.campaign(leaderId, Math.max(1, leaseTtl.toSeconds()))
                .thenApply(e -> new FencedLeadership(this, e));
    }

    @Override
    public CompletableFuture<Void> resign() {
        CompletableFuture<Void> moved = election.resign();
        if (moved == null) {
            return CompletableFuture.failedFuture(new NotLeaderException(
                    "only the leader can resign", node.status().softState().lead()));
        }
        CompletableFuture<Void> out = new CompletableFuture<>();
        moved.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            if (e != null) {
                out.completeExceptionally(Results.failure(e));
            } else {
                out.complete(null);
            }
        });
        return out;
    }

    @Override
    public CompletableFuture<Optional<LeaderInfo>> getLeader() {
        return get(LEADER_KEY).thenApply(kv -> kv.map(RaftStateStore::leaderInfo));
    }

    private static LeaderInfo leaderInfo(KV kv) {
        try {
            LeaderRecord r = LeaderRecord.parseFrom(kv.value());
            return new LeaderInfo(r.getLeaderId(), r.getNodeId(), r.getTerm());
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidRequestException("the value of " + LEADER_KEY.toStringUtf8()
                    + " is not a leader record", e);
        }
    }

    /** Whether this node's Raft role is leader right now (a point-in-time view). */
    public boolean isLeader() {
        return node.status().softState().raftState() == StateType.LEADER;
    }

    @Override
    public void close() {
        election.close();
        node.close();
        stateMachine.close();
    }
}
