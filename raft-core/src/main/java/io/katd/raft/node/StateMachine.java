package io.katd.raft.node;

import com.google.protobuf.ByteString;

/**
 * The application's replicated state, driven by the committed log. Deterministic: the
 * same commands in the same order give the same state and results on every node.
 *
 * <p>Threading: every method is called by the node's raft thread (named
 * {@code raft-<id>}), one call at a time, except during {@link RaftNode#start}, which
 * calls {@link #appliedIndex} and possibly {@link #restore} on the caller's thread before
 * the raft thread exists. The raft thread also runs the protocol, so slow calls delay
 * heartbeats: keep apply fast and bound the time a snapshot takes. Readers on other
 * threads (after {@link RaftNode#readIndex}) must be able to read the state safely while
 * the raft thread applies, e.g. through volatile or immutable published values.
 *
 * <p>An exception thrown by any method stops the node (replicas must not diverge);
 * report expected outcomes of a command, such as a failed precondition, in its result.
 *
 * @param <R> the result of applying one command, handed to the proposer's future
 */
public interface StateMachine<R> {

    /**
     * Applies the command committed at {@code index}. Indexes strictly increase, with
     * gaps where the log holds entries that carry no command (a new leader's empty entry,
     * a membership change). The result completes the future of the proposal on the node
     * that proposed it; other nodes discard it.
     */
    R apply(long index, ByteString command);

    /**
     * Everything up to {@code index} is applied, including entries that carried no
     * command. Called once per batch of applied entries, after the last {@link #apply}
     * of the batch and before any of the batch's proposals complete: a state machine that
     * buffers its writes commits them here, together with {@code index}, which a restart
     * then reads back through {@link #appliedIndex}.
     */
    default void markApplied(long index) {}

    /**
     * The index up to which this state machine's state is durable, read once on start: the
     * node resumes applying after it. A state machine held only in memory returns 0 (or
     * what it has restored since) and is rebuilt from the log's snapshot and entries.
     */
    long appliedIndex();

    /**
     * A snapshot of the whole state as of the last applied index; called after
     * {@link #markApplied}. The bytes travel to lagging followers in a MsgSnap.
     */
    ByteString snapshot();

    /**
     * Replaces the whole state with {@code data}, a snapshot taken at {@code index} by this
     * or another node; afterwards the applied index is {@code index}. Empty data stands
     * for the initial state (the snapshot a new cluster is bootstrapped with).
     */
    void restore(long index, ByteString data);
}
