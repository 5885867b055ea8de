package io.katd.kv.watch;

import io.katd.proto.etcd.mvccpb.Event;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch's queue between the apply thread, which fills it, and its listener, which a task on
 * the delivery executor drains. Bounded: events are counted against the watch's buffer
 * (events and bytes); the few control responses are not, but there is at most one CREATED,
 * one pending PROGRESS and one CANCELED.
 *
 * <p>At most one drain task per outbox is queued or running at any time ({@code draining}),
 * which keeps the listener's calls one at a time and in order even on a multi-threaded
 * executor.
 */
final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    /** What the outbox held when the hub looked: whether a batch of events still fits. */
    record Room(int pendingEvents, long pendingBytes, int eventsMax, long bytesMax) {

        /**
         * Whether a batch of {@code events} events and {@code bytes} bytes fits. A batch fits an
         * empty outbox whatever its size, so that a revision larger than the whole buffer can
         * still be delivered, alone.
         */
        boolean fits(int events, long bytes) {
            return pendingEvents == 0
                    || (pendingEvents + events <= eventsMax && pendingBytes + bytes <= bytesMax);
        }

        int eventsFree() {
            return Math.max(0, eventsMax - pendingEvents);
        }
    }

    private record Pending(WatchResponse response, int events, long bytes) {
    }

    private final WatchListener listener;
    private final Executor executor;
    private final WatchConfig config;
    // Called, off the lock, when a drain made the room the hub was waiting for.
    private final Runnable onRoom;
    // Called once, off the lock, when the stream has ended: the listener took the CANCELED
    // response, or it threw.
    private final Runnable onEnd;

    // Guards every field below. Taken by the apply thread (offers), the delivery executor
    // (drains) and any thread that cancels or resumes the watch. Held only for queue
    // bookkeeping: never while calling the listener, the executor or the callbacks above.
    private final Object lock = new Object();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    // Invariant: the sums of events and bytes of the EVENTS responses in the queue.
    private int pendingEvents;
    private long pendingBytes;
    private boolean progressQueued;
    // Whether a drain task is queued or running.
    private boolean draining;
    // Once set, nothing more is queued: the CANCELED response is, or the listener failed.
    private boolean closed;
    // Set when the hub stopped queueing for lack of room; the drain that makes room for a
    // batch of neededEvents and neededBytes clears it and calls onRoom.
    private boolean wantsRoom;
    private int neededEvents;
    private long neededBytes;

    Outbox(WatchListener listener, Executor executor, WatchConfig config, Runnable onRoom,
            Runnable onEnd) {
        this.listener = listener;
        this.executor = executor;
        this.config = config;
        this.onRoom = onRoom;
        this.onEnd = onEnd;
    }

    Room room() {
        synchronized (lock) {
            return new Room(pendingEvents, pendingBytes, config.bufferEventsMax(),
                    config.bufferBytesMax());
        }
    }

    /**
     * Queues an EVENTS response if it fits. If it does not, queues nothing, remembers that the
     * hub waits for room for it, and returns false. On a closed outbox, drops it and returns
     * true: the watch is on its way out and has nothing to catch up.
     */
    boolean offerEvents(WatchResponse response) {
        int events = response.events().size();
        long bytes = sizeOf(response.events());
        synchronized (lock) {
            if (closed) {
                return true;
            }
            if (!room().fits(events, bytes)) {
                waitForRoom(events, bytes);
                return false;
            }
            queue.add(new Pending(response, events, bytes));
            pendingEvents += events;
            pendingBytes += bytes;
            checkBound(events, bytes);
        }
        scheduleDrain();
        return true;
    }

    // Caller holds the lock. The bound on memory: beyond the buffer only for a response that
    // is alone in the outbox.
    private void checkBound(int events, long bytes) {
        boolean alone = pendingEvents == events;
        if ((pendingEvents > config.bufferEventsMax() || pendingBytes > config.bufferBytesMax())
                && !alone) {
            throw new IllegalStateException("watch outbox over its bound: " + pendingEvents
                    + " events, " + pendingBytes + " bytes pending after queueing " + events
                    + " events, " + bytes + " bytes");
        }
    }

    /**
     * Records that the hub stopped queueing because a batch of {@code events} and
     * {@code bytes} did not fit, so that the drain that makes room calls it back. Returns false,
     * recording nothing, if there is room already (a drain may have made it since the hub
     * looked): then the hub must retry by itself.
     */
    boolean awaitRoom(int events, long bytes) {
        synchronized (lock) {
            if (closed) {
                return true;
            }
            if (roomFor(events, bytes)) {
                return false;
            }
            waitForRoom(events, bytes);
            return true;
        }
    }

    boolean isWaitingForRoom() {
        synchronized (lock) {
            return wantsRoom;
        }
    }

    /** Queues a CREATED response; not counted against the buffer. */
    void offerCreated(WatchResponse response) {
        offerControl(response);
    }

    /** Queues a PROGRESS response unless one is still pending; not counted against the buffer. */
    void offerProgress(WatchResponse response) {
        synchronized (lock) {
            if (progressQueued) {
                return;
            }
            progressQueued = true;
        }
        offerControl(response);
    }

    /**
     * Ends the stream with {@code canceled}, first dropping the pending events and progress if
     * {@code discardPending}. Returns false if the outbox was already closed.
     */
    boolean close(WatchResponse canceled, boolean discardPending) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            closed = true;
            wantsRoom = false;
            if (discardPending) {
                // A CREATED not yet delivered stays: every registered watch's stream starts
                // with one, and it tells the client the revision the watch was created at.
                queue.removeIf(p -> p.response().kind() != WatchResponse.Kind.CREATED);
                pendingEvents = 0;
                pendingBytes = 0;
                progressQueued = false;
            }
            queue.add(new Pending(canceled, 0, 0));
        }
        scheduleDrain();
        return true;
    }

    boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Starts delivering again after the listener was not ready. Any thread. */
    void resume() {
        scheduleDrain();
    }

    private void offerControl(WatchResponse response) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            queue.add(new Pending(response, 0, 0));
        }
        scheduleDrain();
    }

    // Caller holds the lock.
    private void waitForRoom(int events, long bytes) {
        wantsRoom = true;
        neededEvents = events;
        neededBytes = bytes;
    }

    // Caller holds the lock. Room for the batch, and the buffer at most half full: waking the
    // hub for every freed slot would send it to history for one revision at a time.
    private boolean roomFor(int events, long bytes) {
        return room().fits(events, bytes)
                && pendingEvents <= config.bufferEventsMax() / 2
                && pendingBytes <= config.bufferBytesMax() / 2;
    }

    private void scheduleDrain() {
        synchronized (lock) {
            if (draining || queue.isEmpty()) {
                return;
            }
            draining = true;
        }
        submitDrain();
    }

    private void submitDrain() {
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // Only a delivery executor that is shutting down rejects; the node is stopping.
            synchronized (lock) {
                draining = false;
            }
            LOG.warn("delivery executor rejected a watch delivery task; responses dropped", e);
        }
    }

    /** The drain task: hands queued responses to the listener, a bounded number per run. */
    private void drain() {
        for (int delivered = 0; delivered < config.drainResponsesMax(); delivered++) {
            if (!listener.isReady()) {
                pause();
                return;
            }
            Pending next;
            boolean wake = false;
            synchronized (lock) {
                next = queue.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
                pendingEvents -= next.events();
                pendingBytes -= next.bytes();
                if (next.response().kind() == WatchResponse.Kind.PROGRESS) {
                    progressQueued = false;
                }
                if (wantsRoom && roomFor(neededEvents, neededBytes)) {
                    wantsRoom = false;
                    wake = true;
                }
            }
            if (wake) {
                onRoom.run();
            }
            if (!deliver(next.response())) {
                return;
            }
        }
        // Yield the executor thread to other watches; this outbox stays marked as draining.
        submitDrain();
    }

    private void pause() {
        synchronized (lock) {
            draining = false;
        }
        // A resume() between the isReady() check and here saw draining set and did nothing:
        // look again, or the watch could stall with its listener ready.
        if (listener.isReady()) {
            scheduleDrain();
        }
    }

    private boolean deliver(WatchResponse response) {
        try {
            listener.onResponse(response);
        } catch (RuntimeException e) {
            LOG.warn("listener of watch {} failed; cancelling the watch", response.watchId(), e);
            synchronized (lock) {
                closed = true;
                wantsRoom = false;
                queue.clear();
                pendingEvents = 0;
                pendingBytes = 0;
                draining = false;
            }
            onEnd.run();
            return false;
        }
        if (response.kind() == WatchResponse.Kind.CANCELED) {
            // Nothing can follow CANCELED; the drain finds the queue empty and stops.
            onEnd.run();
        }
        return true;
    }

    static long sizeOf(List<Event> events) {
        long bytes = 0;
        for (Event event : events) {
            bytes += event.getSerializedSize();
        }
        return bytes;
    }
}
