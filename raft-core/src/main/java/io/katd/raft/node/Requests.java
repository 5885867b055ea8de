package io.katd.raft.node;

import com.google.protobuf.ByteString;
import io.katd.proto.node.ProposalEnvelope;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.EntryType;
import io.katd.raft.ReadState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The requests of this node's callers that wait for the log: proposals and membership
 * changes until their entry is applied here, reads until the leader confirmed them and
 * this node applied up to the read index. Owned by the raft thread; every completion goes
 * through the {@link Completer}.
 *
 * <p>A proposal is ours when its envelope names this node and this run's incarnation.
 * Its entry's index is learnt when the entry is persisted here, which tells whether the
 * entry is known to be committed when the leadership changes: such a proposal keeps
 * waiting, all others fail with {@link LeadershipLostException} (outcome unknown).
 */
final class Requests<R> {

    /** A caller's future and what is known about its entry. */
    private static final class Pending<T> {
        final CompletableFuture<T> future;
        final long deadlineTick;
        // The index of the entry in this node's log; 0 while unknown.
        long index;
        // For a membership change proposed as leader: where and in which term the entry
        // was appended, to notice when the leader replaced it with an empty entry.
        long expectedIndex;
        long expectedTerm;

        Pending(CompletableFuture<T> future, long deadlineTick) {
            this.future = future;
            this.deadlineTick = deadlineTick;
        }
    }

    /** A read: unconfirmed while readIndex is -1, then waiting for the apply. */
    private static final class PendingRead {
        final ByteString ctx;
        final CompletableFuture<Long> future;
        final long deadlineTick;
        long readIndex = -1;
        boolean done;

        PendingRead(ByteString ctx, CompletableFuture<Long> future, long deadlineTick) {
            this.ctx = ctx;
            this.future = future;
            this.deadlineTick = deadlineTick;
        }
    }

    private final long nodeId;
    private final long incarnation;
    private final Completer completer;
    private final long timeoutTicks;
    private long lastSequence;
    // Proposals and membership changes by sequence. Every request gets the same timeout,
    // so insertion order is deadline order and expiry only looks at the head.
    private final LinkedHashMap<Long, Pending<R>> proposals = new LinkedHashMap<>();
    private final LinkedHashMap<Long, Pending<ConfState>> changes = new LinkedHashMap<>();
    // Invariant: maps the index of each of our entries in the log to its sequence, and
    // the pending request of that sequence (if still pending) has that index.
    private final TreeMap<Long, Long> sequenceByIndex = new TreeMap<>();
    private final LinkedHashMap<ByteString, PendingRead> reads = new LinkedHashMap<>();
    private final PriorityQueue<PendingRead> confirmedReads =
            new PriorityQueue<>(Comparator.comparingLong(r -> r.readIndex));
    private final long readContextBase;
    private long readCount;
    // Proposals applied in the current batch, completed once the batch is marked applied.
    private final List<Done<?>> appliedInBatch = new ArrayList<>();

    /** A future and the value it completes with. */
    private record Done<T>(CompletableFuture<T> future, T value) {
        void complete(Completer completer) {
            completer.complete(future, value);
        }
    }

    Requests(long nodeId, long incarnation, long readContextBase, Completer completer,
            long timeoutTicks) {
        this.nodeId = nodeId;
        this.incarnation = incarnation;
        this.readContextBase = readContextBase;
        this.completer = completer;
        this.timeoutTicks = timeoutTicks;
    }

    long nextSequence() {
        return ++lastSequence;
    }

    /**
     * A fresh read context, never reused: 8 bytes of node id, then a counter that starts
     * at a random point each run, so that contexts of different nodes and runs differ.
     */
    ByteString newReadContext() {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putLong(nodeId).putLong(readContextBase + ++readCount);
        return ByteString.copyFrom(b.array());
    }

    void addProposal(long sequence, CompletableFuture<R> future, long nowTick) {
        proposals.put(sequence, new Pending<>(future, nowTick + timeoutTicks));
    }

    void addChange(long sequence, CompletableFuture<ConfState> future, long nowTick,
            long expectedIndex, long expectedTerm) {
        Pending<ConfState> p = new Pending<>(future, nowTick + timeoutTicks);
        p.expectedIndex = expectedIndex;
        p.expectedTerm = expectedTerm;
        changes.put(sequence, p);
    }

    void addRead(ByteString ctx, CompletableFuture<Long> future, long nowTick) {
        reads.put(ctx, new PendingRead(ctx, future, nowTick + timeoutTicks));
    }

    boolean isOurs(ProposalEnvelope env) {
        return env != null && env.getOrigin() == nodeId && env.getIncarnation() == incarnation;
    }

    private Pending<?> pending(long sequence) {
        Pending<?> p = proposals.get(sequence);
        return p != null ? p : changes.get(sequence);
    }

    /** A Ready's entries were persisted: they replace the log from their first index on. */
    void onPersisted(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        forgetIndexesFrom(entries.get(0).getIndex());
        for (Entry e : entries) {
            ProposalEnvelope env = envelopeOf(e);
            if (!isOurs(env)) {
                continue;
            }
            Pending<?> p = pending(env.getSequence());
            if (p != null) {
                p.index = e.getIndex();
                sequenceByIndex.put(e.getIndex(), env.getSequence());
            }
        }
        failRefusedChanges(entries);
    }

    /** A snapshot replaced the whole log: no index of ours is known any more. */
    void onSnapshot() {
        forgetIndexesFrom(0);
    }

    private void forgetIndexesFrom(long first) {
        Map<Long, Long> replaced = sequenceByIndex.tailMap(first);
        for (long sequence : replaced.values()) {
            Pending<?> p = pending(sequence);
            if (p != null) {
                p.index = 0;
            }
        }
        replaced.clear();
    }

    private static ProposalEnvelope envelopeOf(Entry e) {
        if (Envelopes.isConfChange(e)) {
            return Envelopes.ofConfChange(Envelopes.confChange(e));
        }
        return e.getData().isEmpty() ? null : Envelopes.ofNormal(e);
    }

    /**
     * The leader appends a membership change it refuses (another one is pending, or it
     * does not fit the configuration) as an empty entry of its term, in the same place.
     */
    private void failRefusedChanges(List<Entry> entries) {
        long first = entries.get(0).getIndex();
        long last = entries.get(entries.size() - 1).getIndex();
        Iterator<Pending<ConfState>> it = changes.values().iterator();
        while (it.hasNext()) {
            Pending<ConfState> p = it.next();
            if (p.index != 0 || p.expectedIndex < first || p.expectedIndex > last) {
                continue;
            }
            Entry e = entries.get((int) (p.expectedIndex - first));
            if (e.getType() == EntryType.EntryNormal && e.getData().isEmpty()
                    && e.getTerm() == p.expectedTerm) {
                it.remove();
                completer.fail(p.future, new ProposalDroppedException(nodeId,
                        "the leader refused the membership change: another change is not"
                                + " applied yet, or the change does not fit the configuration"));
            }
        }
    }

    /** A command was applied; completes its proposal if it is ours, after the batch. */
    void onApplied(ProposalEnvelope env, R result) {
        if (!isOurs(env)) {
            return;
        }
        Pending<R> p = proposals.remove(env.getSequence());
        if (p != null) {
            sequenceByIndex.remove(p.index);
            appliedInBatch.add(new Done<>(p.future, result));
        }
    }

    void onConfChangeApplied(ConfChangeV2 cc, ConfState result) {
        ProposalEnvelope env = Envelopes.ofConfChange(cc);
        if (!isOurs(env)) {
            return;
        }
        Pending<ConfState> p = changes.remove(env.getSequence());
        if (p != null) {
            sequenceByIndex.remove(p.index);
            appliedInBatch.add(new Done<>(p.future, result));
        }
    }

    /** The batch is marked applied in the state machine: its proposals complete. */
    void flushApplied() {
        for (Done<?> d : appliedInBatch) {
            d.complete(completer);
        }
        appliedInBatch.clear();
    }

    /** The leader confirmed a read at {@code rs.index()}. */
    void onReadState(ReadState rs) {
        PendingRead r = reads.get(rs.requestCtx());
        if (r == null || r.readIndex >= 0) {
            return; // timed out or failed meanwhile, or a duplicate answer
        }
        r.readIndex = rs.index();
        confirmedReads.add(r);
    }

    /** This node applied up to {@code applied}: confirmed reads at or below it complete. */
    void onAppliedIndex(long applied) {
        while (!confirmedReads.isEmpty() && confirmedReads.peek().readIndex <= applied) {
            PendingRead r = confirmedReads.poll();
            if (!r.done) {
                r.done = true;
                reads.remove(r.ctx);
                completer.complete(r.future, r.readIndex);
            }
        }
    }

    /**
     * The leader or term this node knows changed. Requests whose entry is known to be
     * committed (at or below {@code commitIndex} in this node's log) keep waiting for the
     * apply; reads already confirmed keep waiting too; everything else fails.
     */
    void onLeadershipChange(long commitIndex, String change) {
        String unknown = "node " + nodeId + " lost track of the leader before the entry was"
                + " known to be committed (" + change + "); the outcome is unknown";
        failUncommitted(proposals, commitIndex, unknown);
        failUncommitted(changes, commitIndex, unknown);
        Iterator<PendingRead> it = reads.values().iterator();
        while (it.hasNext()) {
            PendingRead r = it.next();
            if (r.readIndex < 0) {
                it.remove();
                r.done = true;
                completer.fail(r.future, new LeadershipLostException("node " + nodeId
                        + " lost track of the leader before the read was confirmed ("
                        + change + "); nothing was read, retry"));
            }
        }
    }

    private <T> void failUncommitted(Map<Long, Pending<T>> map, long commitIndex,
            String message) {
        Iterator<Pending<T>> it = map.values().iterator();
        while (it.hasNext()) {
            Pending<T> p = it.next();
            if (p.index > 0 && p.index <= commitIndex) {
                continue;
            }
            it.remove();
            if (p.index > 0) {
                sequenceByIndex.remove(p.index);
            }
            completer.fail(p.future, new LeadershipLostException(message));
        }
    }

    /** Fails the requests whose deadline passed at tick {@code nowTick}. */
    void expire(long nowTick) {
        expire(proposals, nowTick, "proposal");
        expire(changes, nowTick, "membership change");
        Iterator<PendingRead> it = reads.values().iterator();
        while (it.hasNext()) {
            PendingRead r = it.next();
            if (r.deadlineTick > nowTick) {
                break;
            }
            it.remove();
            r.done = true;
            completer.fail(r.future, new RequestTimeoutException("node " + nodeId
                    + ": the read did not complete within " + timeoutTicks + " ticks"));
        }
    }

    private <T> void expire(Map<Long, Pending<T>> map, long nowTick, String what) {
        Iterator<Pending<T>> it = map.values().iterator();
        while (it.hasNext()) {
            Pending<T> p = it.next();
            if (p.deadlineTick > nowTick) {
                break;
            }
            it.remove();
            if (p.index > 0) {
                sequenceByIndex.remove(p.index);
            }
            completer.fail(p.future, new RequestTimeoutException("node " + nodeId + ": the "
                    + what + " was not applied within " + timeoutTicks
                    + " ticks; the outcome is unknown"));
        }
    }

    /** Fails everything still pending, when the node stops. */
    void failAll(RaftNodeException cause) {
        for (Pending<R> p : proposals.values()) {
            completer.fail(p.future, cause);
        }
        for (Pending<ConfState> p : changes.values()) {
            completer.fail(p.future, cause);
        }
        for (PendingRead r : reads.values()) {
            completer.fail(r.future, cause);
        }
        // Applied but not yet marked applied in the state machine: unknown as well.
        for (Done<?> d : appliedInBatch) {
            completer.fail(d.future(), cause);
        }
        proposals.clear();
        changes.clear();
        reads.clear();
        confirmedReads.clear();
        sequenceByIndex.clear();
        appliedInBatch.clear();
    }

    int pendingCount() {
        return proposals.size() + changes.size() + reads.size();
    }
}
