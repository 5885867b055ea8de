package io.katd.kv.election;

import com.google.protobuf.ByteString;
import io.katd.kv.lease.LeaseNotFoundException;
import io.katd.kv.lease.NotPrimaryException;
import io.katd.kv.sm.KvStateMachine;
import io.katd.proto.etcd.etcdserverpb.LeaseGrantRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseRevokeRequest;
import io.katd.proto.etcd.etcdserverpb.PutRequest;
import io.katd.proto.kv.KvCommand;
import io.katd.proto.kv.KvResult;
import io.katd.proto.kv.LeaderRecord;
import io.katd.raft.StateType;
import io.katd.raft.Status;
import io.katd.raft.node.RaftNode;
import io.katd.raft.node.RaftNodeListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership from the Raft role: see package-info.java. Register it as a listener of the
 * node before the node starts.
 */
public final class LeaderElection implements RaftNodeListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);
    /** The key each new leader records itself under. */
    public static final ByteString LEADER_KEY = ByteString.copyFromUtf8("/kat/leader");
    // Revocations proposed per poll, as etcd rate-limits them.
    private static final int REVOCATIONS_PER_POLL_MAX = 500;

    /** An established leadership of this node. */
    public record Established(long term, String leaderId, CompletableFuture<Void> lost) {}

    /** Observes leadership changes; called on the node's completion executor. */
    public interface Observer {
        default void onBecameLeader(Established leadership) {}

        default void onLostLeadership(long term) {}

        default void onNewLeader(long leaderNodeId, long term) {}
    }

    private record Waiter(String name, CompletableFuture<Established> future) {}

    private final RaftNode<KvResult> node;
    private final KvStateMachine stateMachine;
    private final List<Observer> observers = new CopyOnWriteArrayList<>();
    private final ScheduledFuture<?> poller;

    // Guards every field below. Role callbacks, proposal completions, campaign and poll
    // threads all touch them; each critical section only updates fields, and futures are
    // completed after the lock is released so that no user code runs under it.
    private final Object lock = new Object();
    // The term this node leads in, 0 when it does not lead.
    private long leaderTerm;
    // The leadership established in leaderTerm, null until its record applied.
    private Established established;
    private CompletableFuture<Void> lost = new CompletableFuture<>();
    // The name (and lease TTL) the next record carries: the last campaign's, or the member's.
    private String recordName;
    private long recordLeaseTtlSeconds;
    // The lease the current record is attached to, renewed each poll while leading.
    private long recordLeaseId;
    // Campaigns waiting for a record with their name to apply in this node's term; a record
    // of another name (the automatic one, or an older campaign's) does not complete them.
    private final List<Waiter> waiting = new ArrayList<>();
    private boolean closed;

    /**
     * @param memberName the name this node records in {@code /kat/leader} when it becomes
     *     leader without having campaigned
     * @param scheduler runs the lease-expiry poll every {@code pollMillis}
     */
    public LeaderElection(RaftNode<KvResult> node, KvStateMachine stateMachine,
            String memberName, ScheduledExecutorService scheduler, long pollMillis) {
        this.node = Objects.requireNonNull(node, "node");
        this.stateMachine = Objects.requireNonNull(stateMachine, "stateMachine");
        this.recordName = Objects.requireNonNull(memberName, "memberName");
        this.poller = scheduler.scheduleWithFixedDelay(this::poll, pollMillis, pollMillis,
                TimeUnit.MILLISECONDS);
    }

    public void addObserver(Observer observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    @Override
    public void onLeaderChange(long leaderId, long term) {
        for (Observer o : observers) {
            o.onNewLeader(leaderId, term);
        }
    }

    @Override
    public void onRoleChange(StateType role, long term) {
        if (role == StateType.LEADER) {
            becameLeader(term);
        } else {
            stoppedLeading();
        }
    }

    private void becameLeader(long term) {
        CompletableFuture<Void> previous;
        String name;
        long ttl;
        synchronized (lock) {
            if (closed) {
                return;
            }
            previous = leaderTerm != 0 ? lost : null;
            leaderTerm = term;
            established = null;
            lost = new CompletableFuture<>();
            name = recordName;
            ttl = recordLeaseTtlSeconds;
        }
        if (previous != null) {
            previous.complete(null);
        }
        stateMachine.promoteLeaseExpiry();
        writeRecord(term, name, ttl);
    }

    private void stoppedLeading() {
        CompletableFuture<Void> ended;
        long term;
        synchronized (lock) {
            if (leaderTerm == 0) {
                return;
            }
            term = leaderTerm;
            ended = lost;
            leaderTerm = 0;
            established = null;
            recordLeaseId = 0;
        }
        stateMachine.demoteLeaseExpiry();
        ended.complete(null);
        LOG.info("node {} lost leadership of term {}", node.id(), term);
        for (Observer o : observers) {
            o.onLostLeadership(term);
        }
    }

    /**
     * Completes once this node leads and its record (naming {@code leaderId}) applied in its
     * term; never starts an election.
     */
    public CompletableFuture<Established> campaign(String leaderId, long leaseTtlSeconds) {
        Objects.requireNonNull(leaderId, "leaderId");
        if (leaseTtlSeconds < 1) {
            throw new IllegalArgumentException("lease TTL must be >= 1 s, was "
                    + leaseTtlSeconds);
        }
        CompletableFuture<Established> f = new CompletableFuture<>();
        long term;
        synchronized (lock) {
            if (closed) {
                f.completeExceptionally(new IllegalStateException("election closed"));
                return f;
            }
            recordName = leaderId;
            recordLeaseTtlSeconds = leaseTtlSeconds;
            waiting.add(new Waiter(leaderId, f));
            term = leaderTerm;
        }
        if (term != 0) {
            // Leading already: record the new name in this term; waiters complete with it.
            writeRecord(term, leaderId, leaseTtlSeconds);
        }
        return f;
    }

    /** The leadership established by this node right now, if any. */
    public Established current() {
        synchronized (lock) {
            return established;
        }
    }

    /** Proposes the fenced record of {@code term}; establishes the leadership once applied. */
    private void writeRecord(long term, String name, long ttl) {
        CompletableFuture<Long> lease = ttl == 0 ? CompletableFuture.completedFuture(0L)
                : propose(KvCommand.newBuilder().setFenceTerm(term).setLeaseGrant(
                        LeaseGrantRequest.newBuilder().setTTL(ttl)).build())
                        .thenApply(r -> r.hasLeaseGrant() ? r.getLeaseGrant().getID() : -1L);
        lease.thenCompose(leaseId -> leaseId < 0
                ? CompletableFuture.completedFuture(KvResult.getDefaultInstance())
                : propose(recordCommand(term, name, leaseId)).thenApply(r -> {
                    if (r.hasPut()) {
                        onRecordApplied(term, name, leaseId);
                    }
                    return r;
                })).whenComplete((r, e) -> {
                    if (e != null || r == null || !r.hasPut()) {
                        LOG.info("node {}: leader record of term {} not written: {}", node.id(),
                                term, e != null ? e.getMessage() : r);
                    }
                });
    }

    private KvCommand recordCommand(long term, String name, long leaseId) {
        LeaderRecord record = LeaderRecord.newBuilder().setLeaderId(name).setNodeId(node.id())
                .setTerm(term).build();
        return KvCommand.newBuilder().setFenceTerm(term).setPut(PutRequest.newBuilder()
                .setKey(LEADER_KEY).setValue(record.toByteString()).setLease(leaseId)).build();
    }

    private void onRecordApplied(long term, String name, long leaseId) {
        Established now;
        List<CompletableFuture<Established>> ready = new ArrayList<>();
        synchronized (lock) {
            if (leaderTerm != term || closed) {
                return;
            }
            established = new Established(term, name, lost);
            recordLeaseId = leaseId;
            now = established;
            waiting.removeIf(w -> w.name().equals(name) && ready.add(w.future()));
        }
        LOG.info("node {} established leadership of term {} as {}", node.id(), term, name);
        for (CompletableFuture<Established> f : ready) {
            f.complete(now);
        }
        for (Observer o : observers) {
            o.onBecameLeader(now);
        }
    }

    private CompletableFuture<KvResult> propose(KvCommand command) {
        return node.propose(command.toByteString());
    }

    /**
     * Hands leadership to the voter with the highest match index; completes when this
     * node's leadership is lost.
     *
     * @return null when this node does not lead or knows no other voter
     */
    public CompletableFuture<Void> resign() {
        CompletableFuture<Void> ended;
        synchronized (lock) {
            if (leaderTerm == 0) {
                return null;
            }
            ended = lost;
        }
        long target = mostUpToDateVoter(node.status());
        if (target == 0) {
            return null;
        }
        node.transferLeadership(target);
        return ended;
    }

    private long mostUpToDateVoter(Status status) {
        long best = 0;
        long bestMatch = -1;
        for (Map.Entry<Long, Status.PeerProgress> e : status.progress().entrySet()) {
            boolean better = e.getValue().match() > bestMatch
                    || (e.getValue().match() == bestMatch && e.getKey() < best);
            if (e.getKey() != node.id() && !e.getValue().isLearner() && better) {
                best = e.getKey();
                bestMatch = e.getValue().match();
            }
        }
        return best;
    }

    /** The leader's periodic duty: revoke expired leases, renew the record's lease. */
    private void poll() {
        long term;
        long recordLease;
        synchronized (lock) {
            term = leaderTerm;
            recordLease = recordLeaseId;
        }
        if (term == 0) {
            return;
        }
        try {
            if (recordLease != 0) {
                stateMachine.leaseExpiry().keepAlive(recordLease);
            }
            for (long id : stateMachine.leaseExpiry().expired(REVOCATIONS_PER_POLL_MAX)) {
                propose(KvCommand.newBuilder().setFenceTerm(term).setLeaseRevoke(
                        LeaseRevokeRequest.newBuilder().setID(id)).build());
            }
        } catch (NotPrimaryException | LeaseNotFoundException e) {
            // Leadership moved between the check and the call; the next leader takes over.
            LOG.debug("node {}: lease poll skipped: {}", node.id(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("node {}: lease poll failed", node.id(), e);
        }
    }

    /** Ends every leadership and waiting campaign; call when the node closes. */
    @Override
    public void close() {
        CompletableFuture<Void> ended;
        List<CompletableFuture<Established>> pending = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            ended = lost;
            leaderTerm = 0;
            established = null;
            waiting.forEach(w -> pending.add(w.future()));
            waiting.clear();
        }
        poller.cancel(false);
        ended.complete(null);
        for (CompletableFuture<Established> f : pending) {
            f.completeExceptionally(new IllegalStateException("the store closed"));
        }
    }
}
