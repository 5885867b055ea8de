/**
 * The replicated KV state machine: {@link io.katd.kv.sm.KvStateMachine} applies {@code
 * katd.kv.KvCommand}s (etcd's put, delete range, txn, compaction, lease grant and revoke) to
 * the MVCC store, the lease table and the watch hub, and returns etcd's responses, or a
 * {@code Rejection} (the entry still counts as applied and changes nothing but the applied
 * index).
 *
 * <h2>Fencing</h2>
 *
 * <p>A command with {@code fence_term != 0} applies only if the term of its log entry equals
 * its fence. A leader proposes its fenced writes in its own term; if it is deposed, its
 * uncommitted entries are either overwritten by the successor or, when they had reached a
 * quorum, committed with their original term, which the successor's writes come after; a
 * command re-proposed (forwarded) into a later term is rejected. So no fenced write of term T
 * lands after a write of a leader of a later term.
 *
 * <h2>Durability</h2>
 *
 * <p>The MVCC store writes each entry's changes with its Raft index in one backend batch. The
 * lease set (ids, TTLs, the id counter) is staged as the store's attachment by grant and
 * revoke and so lands in the same batch as the entry that changed it; attached keys are not
 * stored twice: they are the keys whose lease field names the lease, and are rebuilt from the
 * key-values when the store opens or restores (as etcd rebuilds lease attachments). A restart
 * therefore resumes key-values and leases at the same applied index.
 *
 * <h2>Snapshots</h2>
 *
 * <p>A snapshot is the MVCC store's checkpoint (which includes the attachment), packed into
 * one byte string (path, length, bytes per file, in path order). Restore unpacks it into the
 * scratch directory, restores the store from it, rebuilds the lease table and tells the watch
 * hub. All members must use the same kind of backend.
 *
 * <h2>Threads</h2>
 *
 * <p>Apply, markApplied, snapshot and restore run on the raft thread; reads (range, leases)
 * on callers' threads after ReadIndex; the watch hub's apply-side tasks on a private thread.
 * One lock serializes all of them, because the MVCC store and the lease table are
 * single-threaded; reads are short, so the raft thread waits at most one read. Listeners and
 * futures never run under it.
 */
package io.katd.kv.sm;
