/**
 * Watches over the MVCC store: etcd's watch semantics for the state machine's applied writes.
 *
 * <h2>Guarantees</h2>
 *
 * <p>For every watch, the events it receives are exactly the store's events on its key range,
 * from its start revision on, filtered as it asked, in this order and shape:
 *
 * <ul>
 *   <li><b>Ordered:</b> by revision, and within a revision by the order of the changes.
 *   <li><b>Unique and reliable:</b> no event twice, none left out, whether it comes from live
 *       writes or from history, and across every switch between the two.
 *   <li><b>Atomic per revision:</b> all of a revision's events for the watch are in one
 *       {@link io.katd.kv.watch.WatchResponse}; a response may carry several whole revisions.
 *   <li><b>prev_kv</b> is carried when the watch asked for it (and the key existed), never
 *       otherwise.
 *   <li><b>Resumable:</b> a client that saw everything up to revision R and watches again from
 *       R + 1 receives exactly the rest; if R + 1 is at or below the compacted revision, it is
 *       told so ({@link io.katd.kv.watch.CancelReason#COMPACTED} with the compacted revision)
 *       instead of silently missing events.
 *   <li><b>Progress:</b> a PROGRESS response with revision R promises every event of the
 *       watch up to R has been delivered.
 * </ul>
 *
 * <p>Start revisions: 0 means "after the current revision"; a past revision above the compacted
 * one catches up from history first; a future revision waits; a revision at or below the
 * compacted one cancels the watch right after CREATED with the compacted revision (etcd's first
 * usable revision after a compaction at C is C + 1).
 *
 * <h2>Threading</h2>
 *
 * <p>Three kinds of threads touch the hub, and the store only ever sees the first.
 *
 * <ol>
 *   <li><b>The apply thread</b> owns the {@link io.katd.kv.mvcc.MvccStore}. It calls {@link
 *       io.katd.kv.watch.WatchHub#onApplied} after each applied write (all events of one
 *       revision together), {@link io.katd.kv.watch.WatchHub#onCompacted} after a compaction
 *       and {@link io.katd.kv.watch.WatchHub#onRestored} after a snapshot restore, and it runs
 *       the tasks the hub submits to the <em>apply executor</em>: registering and forgetting
 *       watches, catch-up reads of history, progress notifications. All watch state except the
 *       outboxes is confined to this thread, so catch-up and live delivery never race: a watch
 *       switches from history to live delivery between two writes, with nothing in between.
 *       Each catch-up task reads a bounded number of revisions; none of these calls blocks.
 *   <li><b>Client threads</b> (gRPC, the embedded API) call {@link
 *       io.katd.kv.watch.WatchHub#watch}, {@link io.katd.kv.watch.WatchHub#cancel}, {@link
 *       io.katd.kv.watch.WatchHub#resume}, {@link io.katd.kv.watch.WatchHub#progressNotify} and
 *       {@link io.katd.kv.watch.WatchHub#close}. These hand their work to the apply executor
 *       or touch only an outbox.
 *   <li><b>The delivery executor</b> drains each watch's outbox into its {@link
 *       io.katd.kv.watch.WatchListener}: one task per watch at a time, so a listener is called
 *       serially and in stream order, and the apply thread never waits for a listener.
 * </ol>
 *
 * <p>Each watch's outbox is bounded by {@link io.katd.kv.watch.WatchConfig} (events and bytes).
 * When a live revision does not fit, the watch stops taking live events and later catches up
 * from history, from that revision on, once its listener has drained half its buffer. If the
 * history it needs is compacted in the meantime, it is cancelled with the compacted revision
 * after it has received everything queued before. Memory per watch is thus bounded whatever the
 * listener does; a listener that never drains keeps its watch unsynced until a compaction or a
 * cancel ends it.
 *
 * <h2>Wiring</h2>
 *
 * <pre>{@code
 * WatchHub hub = new WatchHub(store, WatchConfig.defaults(), applyThreadQueue, deliveryPool);
 * // on the apply thread, for each committed entry:
 * Applied<PutResult> applied = store.put(entry.getIndex(), put);
 * hub.onApplied(store.currentRevision(), applied.events());
 * // a compaction entry:
 * store.compact(entry.getIndex(), revision);
 * hub.onCompacted(revision);
 * // a gRPC stream:
 * long id = hub.watch(WatchRequest.prefix(prefix).fromRevision(rev).withPrevKv(), listener);
 * }</pre>
 *
 * <p>Tests pass queueing executors that they run by hand, which makes every interleaving of
 * writes, catch-up tasks and deliveries reproducible.
 */
package io.katd.kv.watch;
