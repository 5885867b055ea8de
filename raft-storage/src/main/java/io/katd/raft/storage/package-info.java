/**
 * The durable Raft log on RocksDB: {@link io.katd.raft.storage.RocksDurableLog} implements
 * the runtime's {@link io.katd.raft.node.DurableLog}.
 *
 * <h2>Key layout</h2>
 *
 * <p>One RocksDB instance per node, two column families of ours:
 *
 * <pre>
 * entries   [last index: 8 bytes, big-endian]
 *               -&gt; [version: 1][first index: 8][count: 4]      (a run of entries)
 *                  count times: [length: 4][CRC32C: 4][Entry]
 * meta      "format"       -&gt; [CRC32C: 4][version: 8]           (currently 2)
 *           "hard_state"   -&gt; [CRC32C: 4][HardState]
 *           "first_index"  -&gt; [CRC32C: 4][first index: 8][term of first index - 1: 8]
 *           "snapshot"     -&gt; [CRC32C: 4][Snapshot]  (metadata with the ConfState, and data)
 * </pre>
 *
 * <p>Entries are stored in runs: the entries one persist appends are one value, under the
 * index of the last of them, so that a seek to an index lands on the run that holds it.
 * The reason is the cost of a synced persist: RocksDB spends CPU per record (a memtable
 * insert each, with its arena copies and skip-list search), and the sync waits for that
 * CPU; a run makes a persist of hundreds of entries one record. Each entry keeps its own
 * CRC32C, and a run is capped at about a megabyte (a larger persist writes several), so
 * that reading one old entry decodes a bounded amount. The runs tile the log: the first
 * holds the first index (and may start before it, when compaction cut through it), each
 * next one starts right after the one before, the last ends at the last index.
 *
 * <p>The configuration is the snapshot's ({@code initialState().confState()}), as in
 * {@link io.katd.raft.node.MemoryDurableLog}; configuration changes after the snapshot are
 * entries in the log, which the runtime replays on start. An absent key means the initial
 * value: an empty log with offset 0, the default hard state, no snapshot.
 *
 * <h2>Writes</h2>
 *
 * <p>One {@code WriteBatch} per Ready, synced iff the Ready must sync, so that the
 * snapshot, the entries (with the deletion of a conflicting tail) and the hard state
 * become durable together or not at all. The batch is encoded in Java ({@code
 * BatchEncoder}) and handed to RocksDB in one call. A conflicting tail that starts inside
 * a run is deleted run by run with one {@code deleteRange} of the keys from the first new
 * index on, and the cut run's head (its entries before that index) is written again as a
 * run of its own in the same batch, taken from the tail cache or read back from disk.
 * {@code createSnapshot} and {@code compact} are one synced batch each; compaction
 * deletes, with one {@code deleteRange}, the runs that end at or before the new offset,
 * and leaves a run that straddles it.
 *
 * <h2>Reads</h2>
 *
 * <p>The protocol reads synchronously on its own thread, so the hot path never touches
 * disk: term lookups come from runs of equal terms kept for the whole log ({@code
 * TermRuns}), and the newest entries from a cache bounded in bytes ({@code TailCache},
 * {@link io.katd.raft.storage.RocksDurableLog#DEFAULT_TAIL_CACHE_BYTES} by default). Older
 * entries, read when a follower lags far behind or on restart, come from RocksDB.
 *
 * <h2>Crashes and corruption</h2>
 *
 * <p>A batch is one record of RocksDB's write-ahead log, replayed whole or not at all, so
 * no torn Ready can appear after a crash; a record cut short at the end of the WAL is a
 * write whose sync never returned, which recovery drops (the policy and its one blind
 * spot are described in {@code RocksHandles}). Everything else is
 * checked at open, over the whole log: each run's header against its key, each entry's
 * CRC32C and index, runs that tile the log from the first index on (no gap, no overlap,
 * nothing below the first index but the compacted head of the first run, whose entry at
 * the offset must have the recorded term), non-decreasing terms, a commit index and a
 * snapshot that the entries cover. Entries read back later from disk are checked again. A failed check
 * is a {@link io.katd.raft.storage.CorruptLogException} naming the directory and the index;
 * corruption RocksDB finds in its own files (block checksums) surfaces the same way.
 * Nothing is silently dropped or repaired.
 */
package io.katd.raft.storage;
