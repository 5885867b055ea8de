package io.katd.kv.etcd;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.katd.kv.mvcc.KeyRanges;
import io.katd.proto.etcd.etcdserverpb.AlarmRequest;
import io.katd.proto.etcd.etcdserverpb.AlarmResponse;
import io.katd.proto.etcd.etcdserverpb.DefragmentRequest;
import io.katd.proto.etcd.etcdserverpb.DefragmentResponse;
import io.katd.proto.etcd.etcdserverpb.HashKVRequest;
import io.katd.proto.etcd.etcdserverpb.HashKVResponse;
import io.katd.proto.etcd.etcdserverpb.HashRequest;
import io.katd.proto.etcd.etcdserverpb.HashResponse;
import io.katd.proto.etcd.etcdserverpb.MaintenanceGrpc;
import io.katd.proto.etcd.etcdserverpb.MoveLeaderRequest;
import io.katd.proto.etcd.etcdserverpb.MoveLeaderResponse;
import io.katd.proto.etcd.etcdserverpb.RangeRequest;
import io.katd.proto.etcd.etcdserverpb.RangeResponse;
import io.katd.proto.etcd.etcdserverpb.SnapshotRequest;
import io.katd.proto.etcd.etcdserverpb.SnapshotResponse;
import io.katd.proto.etcd.etcdserverpb.StatusRequest;
import io.katd.proto.etcd.etcdserverpb.StatusResponse;
import io.katd.proto.etcd.mvccpb.KeyValue;
import io.katd.raft.StateType;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * etcd's Maintenance service. There is no alarm machinery (the alarm list is always empty)
 * and nothing to defragment (a no-op success); hashes are CRC-32C over the key-values at a
 * revision, the same on every member that applied it.
 */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    /** The etcd API version this server speaks, as Status reports it. */
    static final String VERSION = "3.4.0";
    static final int SNAPSHOT_CHUNK_BYTES = 32 * 1024;
    static final int SNAPSHOT_ALIGN_BYTES = 512;
    private static final ByteString ALL = KeyRanges.FROM_KEY;

    private final ServerContext member;
    private final ScheduledExecutorService scheduler;

    MaintenanceService(ServerContext member, ScheduledExecutorService scheduler) {
        this.member = member;
        this.scheduler = scheduler;
    }

    @Override
    public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> out) {
        if (request.getAction() == AlarmRequest.AlarmAction.ACTIVATE) {
            out.onError(Status.UNIMPLEMENTED.withDescription(
                    "etcdserver: katd raises no alarms").asRuntimeException());
            return;
        }
        reply(out, AlarmResponse.newBuilder().setHeader(member.header()).build());
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
        io.katd.raft.Status s = member.node.status();
        long dbSize;
        try {
            dbSize = dbSize();
        } catch (IOException | RuntimeException e) {
            out.onError(member.error(e));
            return;
        }
        reply(out, StatusResponse.newBuilder().setHeader(member.header()).setVersion(VERSION)
                .setDbSize(dbSize).setDbSizeInUse(dbSize).setLeader(s.softState().lead())
                .setRaftIndex(s.hardState().getCommit()).setRaftTerm(s.hardState().getTerm())
                .setRaftAppliedIndex(s.applied())
                .setIsLearner(member.node.confState().getLearnersList().contains(
                        member.memberId)).build());
    }

    // The size of the live key-values; katd has no single database file to measure.
    private long dbSize() throws IOException {
        long bytes = 0;
        for (KeyValue kv : all(0).getKvsList()) {
            bytes += kv.getSerializedSize();
        }
        return bytes;
    }

    private RangeResponse all(long revision) throws IOException {
        return member.stateMachine.range(RangeRequest.newBuilder().setKey(ALL).setRangeEnd(ALL)
                .setRevision(revision).setSerializable(true).build());
    }

    @Override
    public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> out) {
        reply(out, DefragmentResponse.newBuilder().setHeader(member.header()).build());
    }

    @Override
    public void hash(HashRequest request, StreamObserver<HashResponse> out) {
        try {
            RangeResponse r = all(0);
            reply(out, HashResponse.newBuilder().setHeader(member.header())
                    .setHash(crc(r)).build());
        } catch (IOException | RuntimeException e) {
            out.onError(member.error(e));
        }
    }

    @Override
    public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> out) {
        try {
            long compacted = member.stateMachine.compactRevision();
            long revision = request.getRevision() > 0 ? request.getRevision()
                    : member.stateMachine.currentRevision();
            RangeResponse r = all(revision);
            reply(out, HashKVResponse.newBuilder().setHeader(member.header())
                    .setHash(crc(r)).setCompactRevision(compacted).setHashRevision(revision)
                    .build());
        } catch (IOException | RuntimeException e) {
            out.onError(member.error(e));
        }
    }

    private static int crc(RangeResponse r) {
        CRC32C crc = new CRC32C();
        for (KeyValue kv : r.getKvsList()) {
            crc.update(kv.toByteArray());
        }
        return (int) crc.getValue();
    }

    /**
     * The state machine's snapshot in chunks, then, as etcd's server does, one last chunk
     * holding the SHA-256 of everything before it ({@code etcdctl snapshot save} writes the
     * whole stream to the file). etcd's snapshot is a database of 512-byte multiples, and
     * etcdctl 3.4 finds the checksum by that rule, so the snapshot is followed by zero bytes
     * up to the next multiple of 512; the checksum covers them.
     */
    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> out) {
        ByteString data;
        try {
            data = member.stateMachine.snapshot();
        } catch (RuntimeException e) {
            out.onError(member.error(e));
            return;
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        var header = member.header();
        int padding = (SNAPSHOT_ALIGN_BYTES - data.size() % SNAPSHOT_ALIGN_BYTES)
                % SNAPSHOT_ALIGN_BYTES;
        data = data.concat(ByteString.copyFrom(new byte[padding]));
        int size = data.size();
        for (int at = 0; at < size; at += SNAPSHOT_CHUNK_BYTES) {
            ByteString chunk = data.substring(at, Math.min(size, at + SNAPSHOT_CHUNK_BYTES));
            chunk.asReadOnlyByteBufferList().forEach(sha::update);
            out.onNext(SnapshotResponse.newBuilder().setHeader(header)
                    .setRemainingBytes(size - at - chunk.size()).setBlob(chunk).build());
        }
        out.onNext(SnapshotResponse.newBuilder().setHeader(header).setRemainingBytes(0)
                .setBlob(ByteString.copyFrom(sha.digest())).build());
        out.onCompleted();
    }

    /** Only on the leader, as etcd; completes once this member sees the new leader. */
    @Override
    public void moveLeader(MoveLeaderRequest request, StreamObserver<MoveLeaderResponse> out) {
        if (!member.isLeader()) {
            out.onError(EtcdErrors.NOT_LEADER);
            return;
        }
        long target = request.getTargetID();
        if (target == member.memberId) {
            reply(out, MoveLeaderResponse.newBuilder().setHeader(member.header()).build());
            return;
        }
        if (target <= 0 || !member.node.confState().getVotersList().contains(target)) {
            out.onError(EtcdErrors.BAD_LEADER_TRANSFEREE);
            return;
        }
        if (!member.node.transferLeadership(target)) {
            out.onError(EtcdErrors.TOO_MANY_REQUESTS);
            return;
        }
        CompletableFuture<Void> moved = new CompletableFuture<>();
        pollLeader(target, moved, System.nanoTime() + member.requestTimeout.toNanos());
        member.reply(moved, out, v -> MoveLeaderResponse.newBuilder()
                .setHeader(member.header()).build());
    }

    private void pollLeader(long target, CompletableFuture<Void> moved, long deadlineNanos) {
        io.katd.raft.Status s = member.node.status();
        if (s.softState().lead() == target && s.softState().raftState() != StateType.LEADER) {
            moved.complete(null);
        } else if (System.nanoTime() - deadlineNanos > 0) {
            moved.completeExceptionally(EtcdErrors.TIMEOUT);
        } else {
            scheduler.schedule(() -> pollLeader(target, moved, deadlineNanos), 10,
                    TimeUnit.MILLISECONDS);
        }
    }

    private static <T> void reply(StreamObserver<T> out, T response) {
        out.onNext(response);
        out.onCompleted();
    }
}
