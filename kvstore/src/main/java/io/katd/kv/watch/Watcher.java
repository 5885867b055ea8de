package io.katd.kv.watch;

import io.katd.proto.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;

/** One watch: what it asked for, where it stands, and its outbox. */
final class Watcher {

    final long id;
    final WatchRequest request;
    final WatchRange range;
    final Outbox outbox;

    // Apply thread only. While unsynced: the next revision to read from history; every event
    // of the watch below it is queued in the outbox (or delivered), none at or above it. While
    // synced: the first revision the watch takes from live writes, above the current revision
    // only for a watch that starts in the future.
    long nextRevision;
    // Apply thread only: a progress response was asked for while the watch was catching up;
    // it is sent once the watch is synced.
    boolean progressRequested;

    Watcher(long id, WatchRequest request, Outbox outbox) {
        this.id = id;
        this.request = request;
        this.range = WatchRange.of(request.key(), request.rangeEnd());
        this.outbox = outbox;
    }

    /**
     * The events of {@code events} this watch reports, in order, shaped for it: filtered by key
     * range and event type, and without prev_kv unless it asked for it.
     */
    List<Event> select(List<Event> events) {
        List<Event> selected = new ArrayList<>(events.size());
        for (Event event : events) {
            if (accepts(event)) {
                selected.add(!request.prevKv() && event.hasPrevKv()
                        ? event.toBuilder().clearPrevKv().build()
                        : event);
            }
        }
        return selected;
    }

    private boolean accepts(Event event) {
        boolean put = event.getType() == Event.EventType.PUT;
        if (put ? request.noPut() : request.noDelete()) {
            return false;
        }
        return range.contains(event.getKv().getKey());
    }

    @Override
    public String toString() {
        return "watch " + id;
    }
}
