/**
 * History checkers; first of all linearizability.
 *
 * <h2>Histories</h2>
 *
 * A {@link io.katd.jepsen.check.History} is a list of {@link io.katd.jepsen.check.Event}s in
 * real-time order: a process invokes an operation, then learns that it was ok (took effect,
 * with this result), fail (certainly did not take effect) or info (unknown). Events pair up
 * into {@link io.katd.jepsen.check.Operation}s. An operation that never completed counts as
 * info. Three readers produce histories: {@link io.katd.jepsen.check.JepsenLogParser}
 * (Jepsen's etcd logs), {@link io.katd.jepsen.check.EdnHistoryParser} (one EDN map per
 * line) and {@link io.katd.jepsen.check.JsonlHistory} (katd's own {@code history.jsonl},
 * which it also writes). Malformed input fails with a
 * {@link io.katd.jepsen.check.HistoryFormatException} naming file and line.
 *
 * <h2>Checking</h2>
 *
 * <pre>{@code
 * History history = JsonlHistory.read(Path.of("history.jsonl"));
 * CheckResult result = LinearizabilityChecker.check(history, new KvModel(),
 *     Budget.ofTime(Duration.ofMinutes(1), System::nanoTime));
 * switch (result.verdict()) {
 *   case LINEARIZABLE -> pass();
 *   case NOT_LINEARIZABLE -> report(result.violation().orElseThrow());
 *   case UNKNOWN -> inconclusive(result.reason());  // never treat as a pass
 * }
 * }</pre>
 *
 * <p>The {@link io.katd.jepsen.check.Model} is the sequential specification:
 * {@link io.katd.jepsen.check.RegisterModel} (read, write, cas; Jepsen's etcd test) or
 * {@link io.katd.jepsen.check.KvModel} (get, put, append per key, split per key). The search
 * is Wing and Gong's, with Lowe's memoisation of (linearized set, state) pairs. It is
 * single-threaded and deterministic: the same history and budget give the same verdict and
 * step count. The {@link io.katd.jepsen.check.Budget} bounds steps and time (through an
 * injected clock). When it runs out the verdict is
 * {@link io.katd.jepsen.check.Verdict#UNKNOWN}.
 */
package io.katd.jepsen.check;
