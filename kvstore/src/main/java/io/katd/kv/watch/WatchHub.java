package io.katd.kv.watch;

import io.katd.kv.mvcc.MvccStore;
import io.katd.proto.etcd.mvccpb.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch hub: turns the events of applied writes into ordered, gap-free, duplicate-free
 * streams, one per watch. See package-info.java for the guarantees and the threading contract.
 *
 * <p>A watch is <em>synced</em> when it takes its events from live writes ({@link #onApplied})
 * and <em>unsynced</em> while it catches up from the store's history: because it started in the
 * past, or because its buffer overflowed. Catching up and live delivery both run on the apply
 * thread, so no write can land between the last history read and the switch to live delivery:
 * that is what rules out gaps and duplicates at the switch.
 */
public final class WatchHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);

    /** Counters for tests and metrics; read on the apply thread. */
    record Stats(long overflows, long catchUpReads, long caughtUp, long compactedCancels) {
    }

    private final MvccStore store;
    private final WatchConfig config;
    private final Executor applyExecutor;
    private final Executor deliveryExecutor;
    private final Canary canary;

    // Any thread. Every watch whose stream has not ended (its CANCELED not yet delivered), by
    // id: how cancel(id) and resume(id) find it. A cancelled watch stays until its listener has
    // taken the CANCELED response, so that resume(id) still reaches it.
    private final ConcurrentHashMap<Long, Watcher> live = new ConcurrentHashMap<>();
    private final AtomicLong nextWatchId = new AtomicLong(1);
    // Set while a sync task is queued on the apply executor: there is never more than one.
    private final AtomicBoolean syncQueued = new AtomicBoolean();
    private final AtomicBoolean progressQueued = new AtomicBoolean();
    // The current revision as last published by the apply thread, for headers of responses
    // made on other threads.
    private volatile long publishedRevision;
    private volatile boolean closed;

    // Apply thread only, from here on.
    private final WatcherGroup synced = new WatcherGroup();
    // By id, so that catching up serves watches round robin from syncCursor on.
    private final TreeMap<Long, Watcher> unsynced = new TreeMap<>();
    // Invariant: equals the store's current revision between apply-thread calls.
    private long currentRevision;
    private long syncCursor;
    private long overflows;
    private long catchUpReads;
    private long caughtUp;
    private long compactedCancels;

    /**
     * Creates a hub over {@code store}. Construct it on the apply thread, or before that thread
     * starts applying.
     *
     * @param applyExecutor runs tasks on the apply thread, after the entry being applied: it
     *     must queue them, never run them inline in {@code execute}
     * @param deliveryExecutor runs delivery tasks, which call listeners; a direct executor is
     *     allowed (listeners then run on the apply thread, as in tests)
     */
    public WatchHub(MvccStore store, WatchConfig config, Executor applyExecutor,
            Executor deliveryExecutor) {
        this(store, config, applyExecutor, deliveryExecutor, Canary.NONE);
    }

    /** With a planted bug; for the watch checker's own tests only (see {@link Canary}). */
    WatchHub(MvccStore store, WatchConfig config, Executor applyExecutor,
            Executor deliveryExecutor, Canary canary) {
        this.store = Objects.requireNonNull(store, "store");
        this.config = Objects.requireNonNull(config, "config");
        this.applyExecutor = Objects.requireNonNull(applyExecutor, "applyExecutor");
        this.deliveryExecutor = Objects.requireNonNull(deliveryExecutor, "deliveryExecutor");
        this.canary = Objects.requireNonNull(canary, "canary");
        currentRevision = store.currentRevision();
        publishedRevision = currentRevision;
        if (canary != Canary.NONE) {
            LOG.warn("watch hub runs with the planted bug {}", canary);
        }
    }

    /** How many watches are open (created and not yet cancelled). Any thread. */
    public int watcherCount() {
        return live.size();
    }

    /**
     * Starts a watch; any thread. The hub registers it on the apply thread, where a start
     * revision of 0 becomes the current revision + 1. Its stream begins with CREATED, or with
     * CANCELED ({@link CancelReason#COMPACTED}) right after CREATED when its start revision is
     * at or below the compacted revision.
     *
     * @return the watch id, unique in this hub
     */
    public long watch(WatchRequest request, WatchListener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        requireOpen();
        long id = nextWatchId.getAndIncrement();
        Outbox outbox = new Outbox(listener, deliveryExecutor, config, this::requestSync,
                () -> onStreamEnded(id));
        Watcher watcher = new Watcher(id, request, outbox);
        live.put(id, watcher);
        applyExecutor.execute(() -> register(watcher));
        return id;
    }

    /**
     * Cancels a watch; any thread. Events and progress not yet delivered are dropped and
     * CANCELED ({@link CancelReason#CLIENT}) is the last response the listener gets.
     *
     * @return false if no such watch is active (unknown, or already cancelled)
     */
    public boolean cancel(long watchId) {
        Watcher watcher = live.get(watchId);
        if (watcher == null || !watcher.outbox.close(WatchResponse.canceled(watchId,
                publishedRevision, CancelReason.CLIENT, 0), true)) {
            return false;
        }
        applyExecutor.execute(() -> forget(watcher));
        return true;
    }

    /** Resumes delivery to a watch whose listener was not ready; any thread. */
    public void resume(long watchId) {
        Watcher watcher = live.get(watchId);
        if (watcher != null) {
            watcher.outbox.resume();
        }
    }

    /**
     * Sends a PROGRESS response with the current revision to every synced watch that asked for
     * progress notifications; any thread, meant to be called periodically. Watches catching up
     * get none: their next events response tells them more. A watch with a progress response
     * still pending gets no second one. Does nothing once the hub is closed.
     */
    public void progressNotify() {
        if (!closed && progressQueued.compareAndSet(false, true)) {
            applyExecutor.execute(this::sendProgress);
        }
    }

    /**
     * Sends one PROGRESS response to watch {@code watchId}, whether or not it asked for
     * progress notifications; any thread. A synced watch gets it with the current revision
     * right away (after the events already queued for it); a watch catching up gets it once
     * it has caught up. Unknown or cancelled watches get nothing.
     */
    public void requestProgress(long watchId) {
        if (!closed) {
            submitQuietly(() -> {
                Watcher watcher = live.get(watchId);
                if (watcher == null || discardIfClosed()) {
                    return;
                }
                if (unsynced.get(watchId) == watcher) {
                    watcher.progressRequested = true;
                } else {
                    watcher.outbox.offerProgress(WatchResponse.progress(watchId,
                            currentRevision));
                }
            });
        }
    }

    /**
     * Apply thread: the write at {@code revision} was applied to the store and produced
     * {@code events} (all of that revision, as {@code Applied.events()} gives them). A write
     * that created no revision may be reported with the current revision and no events, or
     * not at all.
     */
    public void onApplied(long revision, List<Event> events) {
        if (discardIfClosed()) {
            return;
        }
        if (revision == currentRevision && events.isEmpty()) {
            return;
        }
        checkApplied(revision, events);
        currentRevision = revision;
        publishedRevision = revision;
        for (Map.Entry<Watcher, List<Event>> match : synced.match(events).entrySet()) {
            Watcher watcher = match.getKey();
            if (revision < watcher.nextRevision) {
                continue;
            }
            List<Event> selected = watcher.select(match.getValue());
            if (!selected.isEmpty()
                    && !watcher.outbox.offerEvents(
                            WatchResponse.events(watcher.id, revision, selected))) {
                // The buffer is full. Blocking the apply thread or growing the buffer are not
                // options: the watch falls back to history from this revision, and its outbox
                // calls for a sync once its listener has made room.
                synced.remove(watcher);
                watcher.nextRevision = revision;
                unsynced.put(watcher.id, watcher);
                overflows++;
            }
        }
    }

    /**
     * Apply thread: the store was compacted at {@code compactRevision}. Watches catching up from
     * a revision at or below it are cancelled with {@link CancelReason#COMPACTED}.
     */
    public void onCompacted(long compactRevision) {
        if (discardIfClosed()) {
            return;
        }
        if (compactRevision != store.compactRevision()) {
            throw new IllegalArgumentException("compaction at " + compactRevision
                    + " reported, but the store is compacted at " + store.compactRevision());
        }
        for (Watcher watcher : List.copyOf(unsynced.values())) {
            if (watcher.nextRevision <= compactRevision) {
                cancelCompacted(watcher, compactRevision);
            }
        }
    }

    /**
     * Apply thread: the store was replaced by a snapshot. Every watch catches up from the
     * restored history, from the revision after the last one it has; watches whose history the
     * snapshot no longer holds are cancelled with {@link CancelReason#COMPACTED}.
     */
    public void onRestored() {
        if (discardIfClosed()) {
            return;
        }
        long before = currentRevision;
        currentRevision = store.currentRevision();
        publishedRevision = currentRevision;
        for (Watcher watcher : synced.all()) {
            watcher.nextRevision = Math.max(watcher.nextRevision, before + 1);
            if (watcher.nextRevision <= currentRevision) {
                synced.remove(watcher);
                unsynced.put(watcher.id, watcher);
            }
        }
        if (!unsynced.isEmpty()) {
            requestSync();
        }
    }

    /**
     * Cancels every watch with {@link CancelReason#HUB_CLOSED}; any thread, idempotent. Later
     * calls from the apply thread do nothing.
     */
    @Override
    public void close() {
        closed = true;
        for (Watcher watcher : List.copyOf(live.values())) {
            watcher.outbox.close(WatchResponse.canceled(watcher.id, publishedRevision,
                    CancelReason.HUB_CLOSED, 0), true);
        }
    }

    Stats stats() {
        return new Stats(overflows, catchUpReads, caughtUp, compactedCancels);
    }

    private void register(Watcher watcher) {
        if (discardIfClosed()) {
            watcher.outbox.close(WatchResponse.canceled(watcher.id, currentRevision,
                    CancelReason.HUB_CLOSED, 0), true);
            return;
        }
        if (watcher.outbox.isClosed()) {
            return;
        }
        long start = watcher.request.startRevision();
        watcher.nextRevision = start == 0 ? currentRevision + 1 : start;
        watcher.outbox.offerCreated(WatchResponse.created(watcher.id, currentRevision));
        long compacted = store.compactRevision();
        if (watcher.nextRevision <= compacted) {
            cancelCompacted(watcher, compacted);
        } else if (watcher.nextRevision > currentRevision) {
            synced.add(watcher);
        } else {
            unsynced.put(watcher.id, watcher);
            requestSync();
        }
    }

    private void forget(Watcher watcher) {
        synced.remove(watcher);
        unsynced.remove(watcher.id, watcher);
    }

    // On a delivery thread, once: the listener took CANCELED, or it failed.
    private void onStreamEnded(long id) {
        Watcher watcher = live.remove(id);
        if (watcher != null) {
            submitQuietly(() -> forget(watcher));
        }
    }

    private void sendProgress() {
        progressQueued.set(false);
        if (discardIfClosed()) {
            return;
        }
        for (Watcher watcher : synced.all()) {
            if (watcher.request.progressNotify()) {
                watcher.outbox.offerProgress(WatchResponse.progress(watcher.id, currentRevision));
            }
        }
    }

    private void requestSync() {
        if (syncQueued.compareAndSet(false, true) && !submitQuietly(this::sync)) {
            syncQueued.set(false);
        }
    }

    // For tasks submitted from delivery threads, which have no one to report a rejection to.
    private boolean submitQuietly(Runnable task) {
        try {
            applyExecutor.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            // Only an apply executor that is shutting down rejects; the node is stopping.
            LOG.debug("apply executor rejected a watch task", e);
            return false;
        }
    }

    /**
     * The sync task: catches unsynced watches up from history, round robin from where the last
     * task stopped, reading at most {@code syncRevisionsMax} revisions in all. Watches waiting
     * for their listener to make room are skipped: their outbox calls for the next sync.
     */
    private void sync() {
        syncQueued.set(false);
        if (discardIfClosed()) {
            return;
        }
        List<Watcher> order = new ArrayList<>(unsynced.tailMap(syncCursor, false).values());
        order.addAll(unsynced.headMap(syncCursor, true).values());
        long budget = config.syncRevisionsMax();
        for (Watcher watcher : order) {
            if (budget <= 0) {
                requestSync();
                return;
            }
            syncCursor = watcher.id;
            if (unsynced.get(watcher.id) != watcher) {
                continue;
            }
            if (watcher.outbox.isClosed()) {
                // Cancelled by its client; the task that forgets it may still be queued.
                forget(watcher);
            } else if (!watcher.outbox.isWaitingForRoom()) {
                budget -= catchUp(watcher, budget);
            }
        }
    }

    /**
     * Queues the watch's events from its next revision on, whole revisions only, as many as
     * its buffer takes; switches it to live delivery once it has everything up to the current
     * revision. Returns the number of revisions read.
     */
    private long catchUp(Watcher watcher, long budget) {
        long compacted = store.compactRevision();
        if (watcher.nextRevision <= compacted) {
            cancelCompacted(watcher, compacted);
            return 1;
        }
        Outbox.Room room = watcher.outbox.room();
        long from = watcher.nextRevision;
        long span = Math.min(budget, Math.max(1, room.eventsFree()));
        long to = Math.min(currentRevision, from + span - 1);
        CatchUpBatch batch = CatchUpBatch.fill(watcher, readHistory(watcher, from, to), room);
        catchUpReads++;
        if (!batch.events().isEmpty() && !watcher.outbox.offerEvents(
                WatchResponse.events(watcher.id, currentRevision, batch.events()))) {
            throw new IllegalStateException("catch-up batch for " + watcher
                    + " did not fit although only its listener drains the outbox");
        }
        if (batch.stoppedAt() != 0) {
            watcher.nextRevision = batch.stoppedAt();
            if (!watcher.outbox.awaitRoom(batch.neededEvents(), batch.neededBytes())) {
                requestSync();
            }
        } else if (to < currentRevision) {
            watcher.nextRevision = to + 1;
            requestSync();
        } else {
            unsynced.remove(watcher.id);
            watcher.nextRevision = currentRevision + 1;
            synced.add(watcher);
            caughtUp++;
            plantCanary(watcher, batch.lastRevisionEvents());
            if (watcher.progressRequested) {
                watcher.progressRequested = false;
                watcher.outbox.offerProgress(WatchResponse.progress(watcher.id,
                        currentRevision));
            }
        }
        return to - from + 1;
    }

    private List<Event> readHistory(Watcher watcher, long from, long to) {
        try {
            return store.events(from, to, watcher.request.key(), watcher.request.rangeEnd(),
                    watcher.request.prevKv());
        } catch (IOException e) {
            // The backend failed a read: nothing a watch can recover from, and the node should
            // stop, so the failure goes up the apply thread.
            throw new UncheckedIOException("reading history " + from + ".." + to + " for "
                    + watcher + " failed", e);
        }
    }

    private void plantCanary(Watcher watcher, List<Event> lastRevisionEvents) {
        switch (canary) {
            case NONE -> { }
            case RESEND_AFTER_CATCH_UP -> {
                if (!lastRevisionEvents.isEmpty()) {
                    watcher.outbox.offerEvents(WatchResponse.events(watcher.id,
                            currentRevision, lastRevisionEvents));
                }
            }
            case SKIP_AFTER_CATCH_UP -> watcher.nextRevision = currentRevision + 2;
            default -> throw new AssertionError(canary);
        }
    }

    private void cancelCompacted(Watcher watcher, long compactRevision) {
        synced.remove(watcher);
        unsynced.remove(watcher.id, watcher);
        // Pending responses are kept: they are a correct prefix of the stream, and the client
        // resumes after the last one it saw (or learns it cannot).
        watcher.outbox.close(WatchResponse.canceled(watcher.id, currentRevision,
                CancelReason.COMPACTED, compactRevision), false);
        compactedCancels++;
        LOG.debug("{} cancelled: needs revision {}, compacted at {}", watcher,
                watcher.nextRevision, compactRevision);
    }

    private void checkApplied(long revision, List<Event> events) {
        if (revision != currentRevision + 1 || events.isEmpty()) {
            throw new IllegalArgumentException("applied revision " + revision + " with "
                    + events.size() + " events does not follow revision " + currentRevision
                    + ": expected revision " + (currentRevision + 1) + " with events");
        }
        for (Event event : events) {
            if (event.getKv().getModRevision() != revision) {
                throw new IllegalArgumentException("event of revision "
                        + event.getKv().getModRevision() + " reported with revision "
                        + revision);
            }
        }
        if (store.currentRevision() != revision) {
            throw new IllegalStateException("revision " + revision + " reported, but the store"
                    + " is at revision " + store.currentRevision());
        }
    }

    private boolean discardIfClosed() {
        if (closed) {
            synced.clear();
            unsynced.clear();
        }
        return closed;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("watch hub is closed");
        }
    }
}
