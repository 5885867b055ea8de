/**
 * Deterministic simulation of whole katd KV clusters.
 *
 * <p>One {@link io.katd.jepsen.sim.Scenario} (a seed, the cluster size, timing knobs, the
 * enabled fault kinds and operation kinds) gives one run of a
 * {@link io.katd.jepsen.sim.Simulation}: every random choice comes from the seed, time is
 * the simulated clock of an event loop, and everything runs on one thread. A node
 * ({@code SimNode}) is the real raft-core {@code RawNode} over a {@code MemoryStorage} that a
 * simulated disk ({@code SimDisk}: a checksummed log, and a {@code SimDir} of files whose
 * directory changes need a directory fsync to survive a crash) makes durable, plus the real {@code KvStateMachine} over
 * an in-memory backend, driven by the Ready contract: persist (sync when mustSync), send,
 * apply, advance.
 *
 * <p>Run shape: warm-up until a leader, a fault-free start of the workload, the fault window
 * (the {@code Nemesis} injects the enabled faults, among them membership changes made by
 * {@code Membership}; or a scenario's script, run by {@code ScriptRunner}, replaces it), heal,
 * a final write that must succeed,
 * settling until every node has applied the same index, then the checkers. Raft and KV
 * safety (election safety, one vote per term, state-machine safety, one history of
 * revisions, monotonicity of term and commit across restarts and of the applied index within
 * one, replies promising only durable state, recovery without injected corruption, no fatal
 * errors) are checked as the run goes; linearizability, watch
 * guarantees, lost writes, convergence and fencing at the end, by the checkers of
 * {@code io.katd.jepsen.check}.
 *
 * <p>Negative tests follow a {@code Script} instead of (or on top of) the random nemesis: steps
 * that wait for a condition, then act, with scripted client operations judged by the same
 * checkers.
 *
 * <p>{@link io.katd.jepsen.sim.Campaign} runs many scenarios, re-runs a few to compare trace
 * hashes, sums the {@link io.katd.jepsen.sim.Coverage} counters and writes the reports
 * ({@link io.katd.jepsen.sim.RunReport}). Planted bugs ({@link io.katd.jepsen.sim.SimCanary})
 * exist only for the tests that prove the harness catches them.
 */
package io.katd.jepsen.sim;
