package io.katd.kv.etcd;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.katd.kv.RaftStateStore;
import io.katd.kv.sm.KvStateMachine;
import io.katd.proto.etcd.etcdserverpb.ResponseHeader;
import io.katd.proto.kv.KvCommand;
import io.katd.proto.kv.KvResult;
import io.katd.raft.StateType;
import io.katd.raft.node.RaftNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What every service of one member's server shares: the store, its node and state machine,
 * the ids for response headers, the request size limit, and the way to the leader.
 */
final class ServerContext {
    final RaftStateStore store;
    final RaftNode<KvResult> node;
    final KvStateMachine stateMachine;
    final long clusterId;
    final long memberId;
    final int maxRequestBytes;
    final Duration requestTimeout;
    final LeaderChannels leaders;

    ServerContext(RaftStateStore store, RaftNode<KvResult> node, KvStateMachine stateMachine,
            long clusterId, int maxRequestBytes, Duration requestTimeout,
            LeaderChannels leaders) {
        this.store = store;
        this.node = node;
        this.stateMachine = stateMachine;
        this.clusterId = clusterId;
        this.memberId = node.id();
        this.maxRequestBytes = maxRequestBytes;
        this.requestTimeout = requestTimeout;
        this.leaders = leaders;
    }

    /** A header at the store's current revision. */
    ResponseHeader header() {
        return header(stateMachine.currentRevision());
    }

    ResponseHeader header(long revision) {
        return ResponseHeader.newBuilder().setClusterId(clusterId).setMemberId(memberId)
                .setRevision(revision).setRaftTerm(node.status().hardState().getTerm())
                .build();
    }

    /** Completes a state machine header with this member's ids and term. */
    ResponseHeader header(ResponseHeader partial) {
        return header(partial.getRevision());
    }

    long leader() {
        return node.status().softState().lead();
    }

    boolean isLeader() {
        return node.status().softState().raftState() == StateType.LEADER;
    }

    /** Proposes through the log; the request size limit applies, as etcd's does. */
    CompletableFuture<KvResult> propose(KvCommand command) {
        if (command.getSerializedSize() > maxRequestBytes) {
            return CompletableFuture.failedFuture(EtcdErrors.REQUEST_TOO_LARGE);
        }
        return store.proposeCommand(command);
    }

    StatusRuntimeException error(Throwable t) {
        return EtcdErrors.of(t, this::leader);
    }

    /**
     * Answers a unary call from a future: its value through {@code respond}, its failure
     * (or a rejection thrown by {@code respond}) as etcd's status.
     */
    <T, R> void reply(CompletableFuture<T> future, StreamObserver<R> out,
            Function<T, R> respond) {
        future.whenComplete((v, e) -> {
            R response;
            try {
                if (e != null) {
                    throw e;
                }
                response = respond.apply(v);
            } catch (Throwable failure) {
                out.onError(error(failure));
                return;
            }
            out.onNext(response);
            out.onCompleted();
        });
    }

    /** The result as applied, or its rejection as etcd's status. */
    static KvResult accepted(KvResult r) {
        if (r.hasRejected()) {
            throw EtcdErrors.of(r.getRejected());
        }
        return r;
    }
}
