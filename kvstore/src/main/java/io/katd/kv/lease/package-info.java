/**
 * Leases: etcd's grant, revoke, keep-alive and time-to-live, split into what is replicated and
 * what only the leader knows.
 *
 * <h2>Two parts</h2>
 *
 * <ul>
 *   <li>{@link io.katd.kv.lease.LeaseTable}, replicated and deterministic: lease ids, granted
 *       TTLs, attached keys. The state machine changes it only by applying Raft entries, on the
 *       apply thread, so every replica holds the same table.
 *   <li>{@link io.katd.kv.lease.LeaseExpiry}, on the leader only: a deadline per lease, on an
 *       injected monotonic clock. Keep-alives renew deadlines without going through Raft;
 *       expired leases are reported to the leader, which proposes their revocation. A new
 *       leader promotes its expiry with the table's leases, each restarted at its full TTL.
 * </ul>
 *
 * <h2>Using it from the state machine</h2>
 *
 * <pre>{@code
 * // Applying entries, on the apply thread (every replica):
 * case LEASE_GRANT  -> expiry.onGranted(table.grant(id, ttlSeconds));  // id 0: table picks
 * case LEASE_REVOKE -> {
 *     List<ByteString> keys = table.revoke(id);                // LeaseNotFoundException
 *     Applied<TxnResult> deleted = store.txn(index, deleteEach(keys));   // one revision
 *     table.applyEvents(deleted.events());
 *     hub.onApplied(store.currentRevision(), deleted.events());
 *     expiry.onRevoked(id);
 * }
 * case PUT -> {
 *     if (put.lease() != 0 && !table.contains(put.lease())) -> lease-not-found result
 *     Applied<PutResult> applied = store.put(index, put);
 *     table.applyEvents(applied.events());                     // attach, move or detach
 * }
 * // Leadership, on the apply thread when this node starts or stops acting as leader:
 * expiry.promote(table.list());   expiry.demote();
 * // The leader's periodic check: propose a revocation for each expired lease.
 * for (long id : expiry.expired(500)) propose(revoke(id));
 * // RPCs on the leader: expiry.keepAlive(id); table.get(id, withKeys) with
 * // expiry.remainingTtlSeconds(id) for time-to-live; table.list() for the lease list.
 * }</pre>
 *
 * <h2>Persistence</h2>
 *
 * <p>The table lives in memory. The state machine persists it: {@link
 * io.katd.kv.lease.LeaseTable#snapshot()} goes into every state-machine snapshot next to the
 * MVCC checkpoint, and {@link io.katd.kv.lease.LeaseTable#restore(byte[])} comes back with it.
 * The table must be durable at the same applied index as the MVCC store: after a restart the
 * store resumes at its own applied index, so the state machine has to either write the table
 * in the same backend batch as each entry that changes it, or restart both from the last
 * snapshot that holds both and replay the Raft log from there.
 */
package io.katd.kv.lease;
