package io.katd.kv.etcd;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.katd.kv.LeaseInfo;
import io.katd.kv.NoSuchLeaseException;
import io.katd.kv.NotLeaderException;
import io.katd.kv.lease.Lease;
import io.katd.proto.etcd.etcdserverpb.LeaseGrantRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseGrantResponse;
import io.katd.proto.etcd.etcdserverpb.LeaseGrpc;
import io.katd.proto.etcd.etcdserverpb.LeaseKeepAliveRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseKeepAliveResponse;
import io.katd.proto.etcd.etcdserverpb.LeaseLeasesRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseLeasesResponse;
import io.katd.proto.etcd.etcdserverpb.LeaseRevokeRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseRevokeResponse;
import io.katd.proto.etcd.etcdserverpb.LeaseStatus;
import io.katd.proto.etcd.etcdserverpb.LeaseTimeToLiveRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseTimeToLiveResponse;
import io.katd.proto.kv.KvCommand;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * etcd's Lease service. Grants, revocations and keep-alives go through the log (any member
 * can renew: the leader restarts the deadline when it applies the renewal); time-to-live
 * needs the leader's deadlines, so a follower asks the leader for it.
 */
final class LeaseService extends LeaseGrpc.LeaseImplBase {
    // etcd's MaxLeaseTTL, in seconds.
    static final long MAX_LEASE_TTL_SECONDS = 9_000_000_000L;

    private final ServerContext member;

    LeaseService(ServerContext member) {
        this.member = member;
    }

    @Override
    public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> out) {
        if (request.getTTL() > MAX_LEASE_TTL_SECONDS) {
            out.onError(EtcdErrors.LEASE_TTL_TOO_LARGE);
            return;
        }
        member.reply(member.propose(KvCommand.newBuilder().setLeaseGrant(request).build()), out,
                r -> {
                    LeaseGrantResponse g = ServerContext.accepted(r).getLeaseGrant();
                    return g.toBuilder().setHeader(member.header(g.getHeader())).build();
                });
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest request,
            StreamObserver<LeaseRevokeResponse> out) {
        member.reply(member.propose(KvCommand.newBuilder().setLeaseRevoke(request).build()),
                out, r -> LeaseRevokeResponse.newBuilder().setHeader(member.header(
                        ServerContext.accepted(r).getLeaseRevoke().getHeader())).build());
    }

    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(
            StreamObserver<LeaseKeepAliveResponse> out) {
        return new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveRequest request) {
                member.store.keepAlive(request.getID()).whenComplete((ttl, e) -> {
                    if (e != null && !(EtcdErrors.unwrap(e) instanceof NoSuchLeaseException)) {
                        fail(e);
                        return;
                    }
                    // As etcd: an unknown or expired lease is answered with TTL 0.
                    send(LeaseKeepAliveResponse.newBuilder().setHeader(member.header())
                            .setID(request.getID()).setTTL(e == null ? ttl : 0).build());
                });
            }

            private synchronized void send(LeaseKeepAliveResponse response) {
                try {
                    out.onNext(response);
                } catch (RuntimeException closed) {
                    // The client went away; nothing to tell it.
                }
            }

            private synchronized void fail(Throwable e) {
                try {
                    out.onError(member.error(e));
                } catch (RuntimeException closed) {
                    // Already closed.
                }
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public synchronized void onCompleted() {
                out.onCompleted();
            }
        };
    }

    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request,
            StreamObserver<LeaseTimeToLiveResponse> out) {
        member.store.timeToLive(request.getID()).whenComplete((info, e) -> {
            if (e == null) {
                reply(out, timeToLive(request, info));
                return;
            }
            Throwable t = EtcdErrors.unwrap(e);
            if (t instanceof NoSuchLeaseException) {
                // As etcd: a lease that does not exist has TTL -1.
                reply(out, LeaseTimeToLiveResponse.newBuilder().setHeader(member.header())
                        .setID(request.getID()).setTTL(-1).build());
            } else if (t instanceof NotLeaderException && member.leader() != 0
                    && member.leader() != member.memberId) {
                forward(request, out);
            } else {
                out.onError(member.error(t));
            }
        });
    }

    private void forward(LeaseTimeToLiveRequest request,
            StreamObserver<LeaseTimeToLiveResponse> out) {
        Optional<ManagedChannel> channel = member.leaders.to(member.leader());
        if (channel.isEmpty()) {
            out.onError(EtcdErrors.NOT_LEADER);
            return;
        }
        LeaseGrpc.newStub(channel.get()).withDeadlineAfter(member.requestTimeout.toMillis(),
                TimeUnit.MILLISECONDS).leaseTimeToLive(request, out);
    }

    private LeaseTimeToLiveResponse timeToLive(LeaseTimeToLiveRequest request, LeaseInfo info) {
        LeaseTimeToLiveResponse.Builder b = LeaseTimeToLiveResponse.newBuilder()
                .setHeader(member.header()).setID(info.id()).setTTL(info.remainingTtlSeconds())
                .setGrantedTTL(info.grantedTtlSeconds());
        if (request.getKeys()) {
            b.addAllKeys(info.keys());
        }
        return b.build();
    }

    private static <T> void reply(StreamObserver<T> out, T response) {
        out.onNext(response);
        out.onCompleted();
    }

    @Override
    public void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> out) {
        LeaseLeasesResponse.Builder b = LeaseLeasesResponse.newBuilder()
                .setHeader(member.header());
        for (Lease lease : member.stateMachine.leases()) {
            b.addLeases(LeaseStatus.newBuilder().setID(lease.id()));
        }
        reply(out, b.build());
    }
}
