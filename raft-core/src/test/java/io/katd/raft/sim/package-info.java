/**
 * A deterministic, single-threaded simulation of whole Raft clusters, and the invariant
 * checkers that judge it.
 *
 * <h2>What is simulated</h2>
 *
 * <p>A {@link io.katd.raft.sim.Simulation} runs 3 or 5 founding nodes (more join at
 * runtime), each a real {@link io.katd.raft.RawNode} over a
 * {@link io.katd.raft.MemoryStorage}, under one {@link io.katd.raft.sim.Scenario}. One seed
 * feeds a root {@link java.util.SplittableRandom}, which derives a seed for each component:
 * the network, the fault injector, the workload, each node's disk and each incarnation's
 * {@code Config.random}. The same scenario therefore always produces the same run, event
 * for event; {@code SimulationReplayTest} checks this by comparing trace hashes.
 *
 * <ul>
 *   <li><b>Time.</b> A tick is ten units. Each node ticks at its own unit within the tick;
 *       messages arrive at any unit. There is no wall clock.
 *   <li><b>Network</b> ({@link io.katd.raft.sim.Network}). A delivery queue keyed by
 *       virtual time: random latency (so reordering), latency spikes, duplicates and loss.
 *       {@link io.katd.raft.sim.Partition}s cut directed links: symmetric, one-way,
 *       isolate-the-leader, bridge, majority ring, and a clog that holds messages and
 *       releases them in a burst. A lost or undeliverable MsgSnap is reported to the
 *       sender as a failure, a delivered one as finished; other undeliverable messages are
 *       sometimes reported as unreachable. A paused process gets its messages and reports
 *       when it resumes.
 *   <li><b>Nodes</b> ({@link io.katd.raft.sim.SimNode}). Each Ready is processed strictly
 *       by the contract: persist entries, hard state and snapshot (synced when mustSync),
 *       then send, then apply (calling {@code applyConfChange} for conf changes), then
 *       advance. Inputs are sometimes batched before the next Ready.
 *   <li><b>Disk</b> ({@link io.katd.raft.sim.Disk}). The MemoryStorage is the disk and
 *       survives crashes. Writes that need no sync (a Ready with only a new commit index;
 *       the state machine's writes) sit in an unsynced tail that a crash may lose, in
 *       part; a mustSync Ready, a compaction and background flushes sync it.
 *   <li><b>Crashes</b> strike now or at a chosen boundary of the next Ready (before
 *       persisting, after persisting, after sending, after applying). A restart rebuilds
 *       the node from its disk with {@code Config.applied} set to what its state machine
 *       durably applied; a state machine behind the storage snapshot is recovered from it,
 *       and one ahead of it across membership changes is checkpointed into a snapshot
 *       first, since entries up to {@code applied} are not delivered again.
 *   <li><b>State machine</b> ({@link io.katd.raft.sim.StateMachine}): the applied index,
 *       the chained hash of every applied entry and the configuration. A snapshot carries
 *       exactly that, so it stands for the prefix it replaces.
 *   <li><b>Bootstrap.</b> Founders start from a genesis snapshot at index 1 that holds the
 *       founding voters, so a node that joins with empty storage is always sent a snapshot
 *       (which carries the configuration) rather than a log that never recorded it.
 * </ul>
 *
 * <h2>Workload and faults</h2>
 *
 * <p>Per tick, with the scenario's probabilities: proposals and ReadIndex requests at
 * random nodes (which may drop them), leadership transfers, forced campaigns and forgotten
 * leaders, membership changes ({@link io.katd.raft.sim.Membership}: add a new node as
 * learner or voter, promote, demote, remove any voter including the leader, joint
 * ConfChangeV2 changes with every transition), log compaction at the applied index (also
 * whenever the configuration moved past the last snapshot, so that a joining node gets
 * one that includes it), partitions, crashes and pauses. A removed node is shut down once
 * every member has applied its removal. After {@code faultTicks} everything heals: no more
 * partitions, pauses, loss or duplicates; crashed nodes restart. A final write is then
 * retried at the leader until it is acknowledged.
 *
 * <h2>Checkers</h2>
 *
 * <p>The simulator reports what it observes as {@link io.katd.raft.sim.Event}s. Each
 * {@link io.katd.raft.sim.Checker} consumes them in order, keeps its own state and throws
 * {@link io.katd.raft.sim.InvariantViolation} at the first event that breaks its
 * invariant; checkers never look inside the simulator, so {@code CheckerSelfTest} feeds
 * each one a hand-built violating trace. The standard set
 * ({@link io.katd.raft.sim.Checkers#standard}): the Ready contract, election safety, one
 * vote per node and term, replies only for durable state, log matching, leader
 * completeness (and leader append-only), state machine safety, monotonic progress,
 * linearizable ReadIndex answers, and convergence after healing (a leader within a bound,
 * the final write acknowledged, every member holding every acknowledged proposal).
 *
 * <h2>Running and replaying</h2>
 *
 * <p>{@code SimulationProperties} runs a thousand generated scenarios. A failure reports
 * the seed, the scenario in one line and the command that replays it through
 * {@code SimulationReplayTest} ({@code -Dkatd.sim.scenario=...}), with the events that led
 * to it. {@code SimulationCanaryTest} plants a disk whose fsync does nothing and expects
 * the checkers to catch it.
 */
package io.katd.raft.sim;
