/**
 * The Raft protocol as a pure, deterministic state machine.
 *
 * <p>Nothing in this package (nor in its {@code quorum}, {@code tracker} and
 * {@code confchange} sub-packages) owns a thread, takes a lock, reads a clock, draws
 * ambient randomness or does I/O; {@code PurityTest} enforces it. Time is
 * {@link io.katd.raft.RawNode#tick()}, randomness is {@link io.katd.raft.Config#random()},
 * storage is read through {@link io.katd.raft.Storage}. The same inputs always give the
 * same outputs, which is what makes scenario tests and whole-cluster simulation possible.
 *
 * <h2>Usage contract</h2>
 *
 * <p>One thread owns a {@link io.katd.raft.RawNode} and feeds it inputs: {@code tick()} at
 * a fixed interval, {@code step(message)} for every message received from a peer, and
 * {@code propose}, {@code proposeConfChange}, {@code readIndex}, {@code transferLeader},
 * {@code campaign}, {@code reportUnreachable}, {@code reportSnapshot} on behalf of its
 * callers. Everything the node needs done comes back as a {@link io.katd.raft.Ready}:
 *
 * <pre>{@code
 * if (node.hasReady()) {
 *     Ready rd = node.ready();
 *     // 1. Persist, atomically: rd.snapshot(), rd.entries() (replacing any stored entries
 *     //    at the same or later indexes) and rd.hardState(); fsync when rd.mustSync().
 *     // 2. Send rd.messages(), and only now: a vote or an append acknowledgement promises
 *     //    that what step 1 wrote is durable.
 *     // 3. Apply rd.snapshot(), then rd.committedEntries() in order; for each conf-change
 *     //    entry call node.applyConfChange(...). Serve reads in rd.readStates() once
 *     //    applied up to their index.
 *     // 4. Hand the Ready back.
 *     node.advance(rd);
 * }
 * }</pre>
 *
 * <p>At most one Ready is outstanding: {@code ready()} again before {@code advance()} is
 * an error, and {@code hasReady()} answers false meanwhile. Responses the node owes
 * itself (a candidate's own vote, a leader's acknowledgement of its own entries) take
 * effect when {@code advance} is called, so a node never counts state it has not
 * persisted: a single-voter cluster elects itself only after its vote is durable, and
 * commits an entry only in a Ready after the one that persisted it.
 *
 * <h2>Errors</h2>
 *
 * <p>A caller's mistake (an invalid {@link io.katd.raft.Config}, stepping a local message
 * type) is an {@link java.lang.IllegalArgumentException}. A broken protocol invariant (a
 * follower asked to truncate committed entries, a hard state committing beyond the
 * stored log) is an {@link java.lang.IllegalStateException}: the node must stop, because
 * its state can no longer be trusted. Expected outcomes are values: a dropped proposal
 * is {@code false} from {@code propose}.
 */
package io.katd.raft;
