/**
 * The runtime that drives the pure protocol ({@link io.katd.raft.RawNode}) for an
 * application: {@link io.katd.raft.node.RaftNode} over three small SPIs.
 *
 * <ul>
 *   <li>{@link io.katd.raft.node.DurableLog}: the node's log, read by the protocol and
 *       written once per Ready (one atomic, group-committed write).
 *   <li>{@link io.katd.raft.node.Transport}: carries messages to peers without blocking;
 *       hands received ones to the node's {@link io.katd.raft.node.Transport.Inbound}.
 *   <li>{@link io.katd.raft.node.StateMachine}: applies committed commands and returns
 *       the results that complete the proposers' futures; snapshots and restores.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * <p>One raft thread ({@code raft-<id>}) owns the RawNode, the log and the state machine.
 * Callers and transport threads reach it only through a bounded inbox of {@code Input}
 * records; when the inbox is full, peer messages are dropped (Raft retransmits) and
 * requests fail at once. Answers leave through futures completed on a completion
 * executor, never on the raft thread. Each cycle of the raft thread:
 *
 * <pre>{@code
 * long nowNanos = clock.nanoTime();                 // read once per cycle
 * while (nowNanos >= nextTickNanos && ticked++ < TICKS_PER_CYCLE_MAX) {
 *     rawNode.tick(); nextTickNanos += tickNanos;
 * }
 * drain(inbox, INPUTS_PER_CYCLE_MAX);               // step, propose, read, ...
 * if (rawNode.hasReady()) {
 *     Ready rd = rawNode.ready();
 *     durableLog.persist(rd);                       // fsync iff rd.mustSync()
 *     transport.send(rd.messages());                // only after the write
 *     stateMachine.restore(rd.snapshot()...);       // then apply, in order, on this
 *     stateMachine.apply(...);                      // thread; conf changes through
 *     rawNode.applyConfChange(...);                 // RawNode.applyConfChange
 *     rawNode.advance(rd);
 * }
 * }</pre>
 *
 * <p>Applying on the raft thread keeps the protocol's applied index exact (it gates
 * membership changes, campaigns and the uncommitted-size quota) at the price of stalling
 * heartbeats while a command applies: keep {@code apply} fast.
 *
 * <h2>Correlation and failure</h2>
 *
 * <p>A proposal's entry carries an envelope {origin, incarnation, sequence} around the
 * command; only the origin completes the future, with the result of its own apply.
 * Requests fail with {@link io.katd.raft.node.ProposalDroppedException} or
 * {@link io.katd.raft.node.ReadIndexDroppedException} (no effect),
 * {@link io.katd.raft.node.LeadershipLostException} or
 * {@link io.katd.raft.node.RequestTimeoutException} (outcome unknown), or
 * {@link io.katd.raft.node.NodeClosedException}. A failed durable write stops the node.
 */
package io.katd.raft.node;
