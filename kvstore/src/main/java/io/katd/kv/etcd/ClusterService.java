package io.katd.kv.etcd;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.katd.proto.etcd.etcdserverpb.ClusterGrpc;
import io.katd.proto.etcd.etcdserverpb.DeleteRangeRequest;
import io.katd.proto.etcd.etcdserverpb.Member;
import io.katd.proto.etcd.etcdserverpb.MemberAddRequest;
import io.katd.proto.etcd.etcdserverpb.MemberAddResponse;
import io.katd.proto.etcd.etcdserverpb.MemberListRequest;
import io.katd.proto.etcd.etcdserverpb.MemberListResponse;
import io.katd.proto.etcd.etcdserverpb.MemberPromoteRequest;
import io.katd.proto.etcd.etcdserverpb.MemberPromoteResponse;
import io.katd.proto.etcd.etcdserverpb.MemberRemoveRequest;
import io.katd.proto.etcd.etcdserverpb.MemberRemoveResponse;
import io.katd.proto.etcd.etcdserverpb.MemberUpdateRequest;
import io.katd.proto.etcd.etcdserverpb.MemberUpdateResponse;
import io.katd.proto.kv.KvCommand;
import io.katd.proto.member.MemberRecord;
import io.katd.proto.raft.ConfChangeSingle;
import io.katd.proto.raft.ConfChangeType;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.ConfState;
import io.katd.raft.Status;
import java.net.URI;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * etcd's Cluster service. Member records live in the replicated KV ({@link MemberRecords});
 * voter or learner comes from the Raft configuration. Changes run on the leader: a follower
 * forwards them to the leader's client URL. A new member's record is written through the
 * log before the configuration change, so it is known by the time the member is.
 */
final class ClusterService extends ClusterGrpc.ClusterImplBase {
    // etcd: a learner may be promoted once its match index is at least 90% of the leader's.
    static final double PROMOTE_READY_FRACTION = 0.9;
    // etcd's default --max-learners.
    static final int MAX_LEARNERS = 1;

    private final ServerContext member;
    private final SecureRandom random = new SecureRandom();

    ClusterService(ServerContext member) {
        this.member = member;
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> out) {
        out.onNext(MemberListResponse.newBuilder().setHeader(member.header())
                .addAllMembers(members()).build());
        out.onCompleted();
    }

    /** Every member: the Raft configuration's ids, with what their records say. */
    List<Member> members() {
        ConfState cs = member.node.confState();
        Map<Long, MemberRecord> records = new TreeMap<>();
        for (MemberRecord r : MemberRecords.local(member.stateMachine)) {
            records.put(r.getId(), r);
        }
        Set<Long> learners = new TreeSet<>(cs.getLearnersList());
        learners.addAll(cs.getLearnersNextList());
        Set<Long> ids = new TreeSet<>(cs.getVotersList());
        ids.addAll(cs.getVotersOutgoingList());
        ids.addAll(learners);
        return ids.stream().map(id -> {
            MemberRecord r = records.getOrDefault(id, MemberRecord.newBuilder().setId(id)
                    .build());
            return Member.newBuilder().setID(id).setName(r.getName())
                    .addAllPeerURLs(r.getPeerUrlsList()).addAllClientURLs(r.getClientUrlsList())
                    .setIsLearner(learners.contains(id) && !cs.getVotersList().contains(id))
                    .build();
        }).toList();
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> out) {
        if (forwarded(out, s -> s.memberAdd(request, out))) {
            return;
        }
        if (!validUrls(request.getPeerURLsList())) {
            out.onError(EtcdErrors.MEMBER_BAD_URLS);
            return;
        }
        for (MemberRecord r : MemberRecords.local(member.stateMachine)) {
            for (String url : r.getPeerUrlsList()) {
                if (request.getPeerURLsList().contains(url)) {
                    out.onError(EtcdErrors.PEER_URL_EXIST);
                    return;
                }
            }
        }
        // A member that has not published its peer URLs yet (it has not started since the
        // cluster was created) could not be reached by the new one, and the new member
        // learns every other address only from the leader's snapshot: refuse until it has.
        if (members().stream().anyMatch(m -> m.getPeerURLsCount() == 0)) {
            out.onError(EtcdErrors.NOT_ENOUGH_STARTED_MEMBERS);
            return;
        }
        ConfState cs = member.node.confState();
        if (request.getIsLearner() && cs.getLearnersCount() >= MAX_LEARNERS) {
            out.onError(EtcdErrors.TOO_MANY_LEARNERS);
            return;
        }
        long id = freshId();
        MemberRecord record = MemberRecord.newBuilder().setId(id)
                .addAllPeerUrls(request.getPeerURLsList()).build();
        ConfChangeType type = request.getIsLearner() ? ConfChangeType.ConfChangeAddLearnerNode
                : ConfChangeType.ConfChangeAddNode;
        CompletableFuture<ConfState> done = member.propose(KvCommand.newBuilder()
                .setPut(MemberRecords.put(record)).build())
                .thenCompose(r -> {
                    ServerContext.accepted(r);
                    return change(type, id);
                });
        member.reply(done, out, c -> MemberAddResponse.newBuilder().setHeader(member.header())
                .setMember(Member.newBuilder().setID(id).addAllPeerURLs(
                        request.getPeerURLsList()).setIsLearner(request.getIsLearner()))
                .addAllMembers(members()).build());
    }

    @Override
    public void memberRemove(MemberRemoveRequest request,
            StreamObserver<MemberRemoveResponse> out) {
        if (forwarded(out, s -> s.memberRemove(request, out))) {
            return;
        }
        long id = request.getID();
        if (!isMember(id)) {
            out.onError(EtcdErrors.MEMBER_NOT_FOUND);
            return;
        }
        CompletableFuture<Void> done = change(ConfChangeType.ConfChangeRemoveNode, id)
                .thenCompose(c -> member.propose(KvCommand.newBuilder().setDeleteRange(
                        DeleteRangeRequest.newBuilder().setKey(MemberRecords.key(id))).build()))
                .thenAccept(ServerContext::accepted);
        member.reply(done, out, v -> MemberRemoveResponse.newBuilder()
                .setHeader(member.header()).addAllMembers(members()).build());
    }

    @Override
    public void memberUpdate(MemberUpdateRequest request,
            StreamObserver<MemberUpdateResponse> out) {
        if (forwarded(out, s -> s.memberUpdate(request, out))) {
            return;
        }
        if (!validUrls(request.getPeerURLsList())) {
            out.onError(EtcdErrors.MEMBER_BAD_URLS);
            return;
        }
        long id = request.getID();
        if (!isMember(id)) {
            out.onError(EtcdErrors.MEMBER_NOT_FOUND);
            return;
        }
        MemberRecord old = MemberRecords.local(member.stateMachine, id)
                .orElse(MemberRecord.newBuilder().setId(id).build());
        MemberRecord updated = old.toBuilder().clearPeerUrls()
                .addAllPeerUrls(request.getPeerURLsList()).build();
        member.reply(member.propose(KvCommand.newBuilder().setPut(MemberRecords.put(updated))
                .build()), out, r -> {
                    ServerContext.accepted(r);
                    return MemberUpdateResponse.newBuilder().setHeader(member.header())
                            .addAllMembers(members()).build();
                });
    }

    @Override
    public void memberPromote(MemberPromoteRequest request,
            StreamObserver<MemberPromoteResponse> out) {
        if (forwarded(out, s -> s.memberPromote(request, out))) {
            return;
        }
        long id = request.getID();
        ConfState cs = member.node.confState();
        if (!isMember(id)) {
            out.onError(EtcdErrors.MEMBER_NOT_FOUND);
            return;
        }
        if (!cs.getLearnersList().contains(id)) {
            out.onError(EtcdErrors.MEMBER_NOT_LEARNER);
            return;
        }
        if (!inSync(member.node.status(), id)) {
            out.onError(EtcdErrors.LEARNER_NOT_READY);
            return;
        }
        member.reply(change(ConfChangeType.ConfChangeAddNode, id), out,
                c -> MemberPromoteResponse.newBuilder().setHeader(member.header())
                        .addAllMembers(members()).build());
    }

    /** etcd's readiness rule: the learner's match is at least 90% of the leader's. */
    static boolean inSync(Status leader, long learner) {
        Status.PeerProgress self = leader.progress().get(leader.id());
        Status.PeerProgress p = leader.progress().get(learner);
        if (self == null || p == null) {
            return false;
        }
        return p.match() >= self.match() * PROMOTE_READY_FRACTION;
    }

    private CompletableFuture<ConfState> change(ConfChangeType type, long id) {
        return member.node.changeMembership(ConfChangeV2.newBuilder().addChanges(
                ConfChangeSingle.newBuilder().setType(type).setNodeId(id)).build())
                .orTimeout(member.requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private boolean isMember(long id) {
        ConfState cs = member.node.confState();
        return cs.getVotersList().contains(id) || cs.getLearnersList().contains(id)
                || MemberRecords.local(member.stateMachine, id).isPresent();
    }

    private long freshId() {
        Set<Long> taken = new TreeSet<>();
        members().forEach(m -> taken.add(m.getID()));
        MemberRecords.local(member.stateMachine).forEach(r -> taken.add(r.getId()));
        while (true) {
            // Positive, as every Raft and transport id: an id is unsigned on the wire, but
            // peers and logs print it as a Java long.
            long id = random.nextLong() & Long.MAX_VALUE;
            if (id != 0 && !taken.contains(id)) {
                return id;
            }
        }
    }

    static boolean validUrls(List<String> urls) {
        if (urls.isEmpty()) {
            return false;
        }
        for (String url : urls) {
            try {
                URI u = new URI(url);
                if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
                        || u.getHost() == null || u.getPort() <= 0) {
                    return false;
                }
            } catch (java.net.URISyntaxException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * On a follower, sends the call to the leader and returns true; on the leader returns
     * false. Without a known leader, answers "no leader".
     */
    private boolean forwarded(StreamObserver<?> out,
            java.util.function.Consumer<ClusterGrpc.ClusterStub> call) {
        if (member.isLeader()) {
            return false;
        }
        long leader = member.leader();
        Optional<ManagedChannel> channel = leader == 0 ? Optional.empty()
                : member.leaders.to(leader);
        if (channel.isEmpty()) {
            out.onError(leader == 0 ? EtcdErrors.NO_LEADER : EtcdErrors.NOT_LEADER);
            return true;
        }
        call.accept(ClusterGrpc.newStub(channel.get()).withDeadlineAfter(
                member.requestTimeout.toMillis(), TimeUnit.MILLISECONDS));
        return true;
    }
}
