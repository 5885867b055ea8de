/**
 * The MVCC key-value engine: the pure, single-threaded core of the KV state machine.
 *
 * <h2>Model</h2>
 *
 * <p>The store has a global revision. An empty store is at revision 1 ({@link
 * io.katd.kv.mvcc.MvccStore#INITIAL_REVISION}); every write transaction that changes something
 * moves it up by exactly one, however many keys it touches. The changes inside one revision
 * are ordered by a sub revision (0, 1, ...), and each produces one {@code mvccpb.Event}.
 *
 * <p>Each live key has a {@code mvccpb.KeyValue}: create revision (the revision of the put
 * that created the current generation of the key), mod revision (its last change), version
 * (1 at creation, +1 per put), value and lease. A delete writes a tombstone: the key is gone
 * from then on, and a later put starts a new generation with a new create revision and version
 * 1. Every past revision down to the compacted revision can be read.
 *
 * <h2>Using it from the state machine</h2>
 *
 * <pre>{@code
 * MvccStore store = MvccStore.open(RocksDbBackend.open(dataDir.resolve("kv")));
 * long resumeAfter = store.appliedIndex();        // replay Raft entries after this one
 * for (Entry entry : committedEntries) {          // in log order, on the apply thread
 *     switch (decode(entry)) {                    // the state machine's own command format
 *         case PUT -> watchers.publish(store.put(entry.getIndex(), put).events());
 *         case TXN -> ...store.txn(entry.getIndex(), txn)...
 *         case COMPACT -> store.compact(entry.getIndex(), revision);
 *         default -> store.markApplied(entry.getIndex());
 *     }
 * }
 * RangeResult r = store.range(RangeRequest.prefix(prefix));   // after ReadIndex
 * }</pre>
 *
 * <p>Every write takes the Raft index of the entry it applies, which must be above {@link
 * io.katd.kv.mvcc.MvccStore#appliedIndex()}, and stores it in the same atomic backend batch as
 * its changes. The backend need not fsync: after a crash the store comes back at some applied
 * index with exactly the writes up to it, and Raft replays the rest.
 *
 * <h2>Errors</h2>
 *
 * <ul>
 *   <li>Reads below the compacted revision throw {@link io.katd.kv.mvcc.CompactedException},
 *       reads above the current revision {@link io.katd.kv.mvcc.FutureRevisionException}.
 *       When a write (a compaction, or a transaction whose reads ask for such revisions) is
 *       rejected this way, it changes nothing but its Raft entry still counts as applied: the
 *       exception is that entry's deterministic outcome.
 *   <li>Malformed requests are rejected when the request record is built
 *       ({@link IllegalArgumentException}); a Raft index not above the applied index is the
 *       caller's mistake ({@link IllegalArgumentException}) and is not recorded.
 *   <li>Backend failures are {@link java.io.IOException}s. After a failed backend write the
 *       store refuses every further call: the node must stop, never retry.
 *   <li>A failed compare is not an error: {@link io.katd.kv.mvcc.TxnResult#succeeded()} is
 *       false.
 * </ul>
 *
 * <h2>Backend layout</h2>
 *
 * <p>One ordered keyspace (unsigned byte order), two prefixes. Integers are 8-byte big-endian.
 *
 * <pre>
 * key                               value
 * 'r' main(8) sub(8)                mvccpb.Event without prev_kv: the change at that revision.
 *                                   PUT: the full KeyValue. DELETE: KeyValue with only key
 *                                   and mod_revision (the revision of the delete).
 * 'm' "format"                      layout version, 1
 * 'm' "currentRevision"             the store's revision
 * 'm' "compactRevision"             the last compaction's revision, 0 if none
 * 'm' "appliedIndex"                the Raft index of the last applied entry
 * 'm' "attachment"                  the owner's opaque bytes (the state machine's lease set),
 *                                   written in the batch of the entry that changed them
 * </pre>
 *
 * <p>Revision keys sort by (main, sub), so catching up a watcher is one scan of
 * {@code ['r' from 0, 'r' to+1 0)}. The key index (user key to its revisions, with
 * tombstones) lives in memory and is rebuilt by one scan of the {@code 'r'} prefix at open,
 * as etcd rebuilds its tree index. The current revision is stored rather than derived from the
 * last record because compaction may remove every record of the latest revisions.
 *
 * <p>Compaction at C deletes, per key, every record at or below C except the newest one when
 * that is a put; tombstones at or below C go entirely. So reads at C and above are unchanged,
 * and a key deleted at or before C leaves no trace.
 *
 * <p>Snapshots are backend checkpoints (RocksDB: a checkpoint directory; in-memory: one file)
 * that carry the meta keys too, so a restored store knows its applied index and revisions.
 */
package io.katd.kv.mvcc;
