package io.katd.raft.sim;

import io.katd.raft.StateType;
import java.util.Map;

/**
 * What the simulator observed, in the order it happened. Hashes are {@link Hashes} chain
 * values; "durable" means what would survive a crash at that moment.
 */
sealed interface Event {

    /** Logical time advanced to {@code tick}. */
    record Tick(long tick) implements Event {}

    /**
     * A node handed out a Ready: whether it asked for a sync, and whether it carries
     * anything that must be durable before its messages leave (entries, a snapshot, a
     * new term or vote).
     */
    record ReadyHandedOut(long node, boolean mustSync, boolean entries, boolean snapshot,
            boolean termOrVote) implements Event {}

    /** A node's role or term changed, as seen in a Ready. */
    record RoleChanged(long node, long term, StateType role) implements Event {}

    /** A node persisted a hard state that records its vote in {@code term}. */
    record VoteRecorded(long node, long term, long candidate) implements Event {}

    /** A node sent a granted MsgVoteResp; the durable hard state at that moment. */
    record VoteGranted(long node, long term, long candidate, long durableTerm,
            long durableVote) implements Event {}

    /** A node sent an accepting MsgAppResp for {@code index}; its durable last index. */
    record AppendAcked(long node, long index, long durableLastIndex) implements Event {}

    /** A node's log now holds, durably, this entry at {@code index}, and nothing after it. */
    record EntryPersisted(long node, long index, long term, long hash) implements Event {}

    /** A node's log was replaced by a snapshot ending at {@code index}. */
    record SnapshotPersisted(long node, long index, long term, long hash) implements Event {}

    /** A node discarded its log up to {@code index}. */
    record Compacted(long node, long index) implements Event {}

    /** A node at {@code term} reported its commit index; the hash of its log there. */
    record Committed(long node, long term, long index, long hash) implements Event {}

    /** A node's state machine applied the entry at {@code index}. */
    record Applied(long node, long index, long hash) implements Event {}

    /** A node's state machine was replaced by a snapshot at {@code index}. */
    record SnapshotApplied(long node, long index, long hash) implements Event {}

    /** The in-memory and durable progress of one incarnation of a node. */
    record NodeState(long node, int incarnation, long term, long commit, long applied,
            long durableTerm, long durableCommit, long durableApplied) implements Event {}

    /**
     * A node stopped: it crashed ({@code lostWrites} when the crash lost writes that were
     * not yet synced), or it was {@code retired} after its removal from the cluster.
     */
    record Stopped(long node, boolean retired, boolean lostWrites) implements Event {}

    /** A node started (again) from its durable state; its state machine position. */
    record Restarted(long node, int incarnation, long applied, long appliedHash)
            implements Event {}

    /** A client asked {@code node} for a read; the highest index known committed then. */
    record ReadRequested(long node, String ctx, long knownCommit) implements Event {}

    /** A read was answered with {@code index}; the highest index known committed now. */
    record ReadAnswered(long node, String ctx, long index, long knownCommit)
            implements Event {}

    /** The proposer applied its own proposal: the client saw it committed. */
    record ProposalAcked(long node, long index) implements Event {}

    /** Every fault was healed at {@code tick}. */
    record Healed(long tick) implements Event {}

    /**
     * The run ended: the applied index of each member of the final configuration, and
     * whether the write made after healing was acknowledged.
     */
    record Finished(long tick, Map<Long, Long> memberApplied, boolean finalWriteAcked)
            implements Event {}
}
