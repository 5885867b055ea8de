package io.katd.kv.watch;

import io.katd.proto.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole revisions of a history read that fit a watch's outbox.
 *
 * @param events the events to queue, in order; whole revisions only
 * @param stoppedAt the first revision that did not fit, or 0 if every revision did
 * @param neededEvents the size of that revision, in events (0 if none)
 * @param neededBytes likewise, in bytes
 * @param lastRevisionEvents the events of the last revision in {@code events}
 */
record CatchUpBatch(List<Event> events, long stoppedAt, int neededEvents, long neededBytes,
        List<Event> lastRevisionEvents) {

    /**
     * Takes the revisions of {@code history} (the store's events for the watch's range, in
     * revision order) in order, each shaped by {@link Watcher#select}, while they fit
     * {@code room}.
     */
    static CatchUpBatch fill(Watcher watcher, List<Event> history, Outbox.Room room) {
        List<Event> taken = new ArrayList<>();
        List<Event> last = List.of();
        long bytes = 0;
        int i = 0;
        while (i < history.size()) {
            long revision = revisionOf(history.get(i));
            int end = i;
            while (end < history.size() && revisionOf(history.get(end)) == revision) {
                end++;
            }
            List<Event> selected = watcher.select(history.subList(i, end));
            long selectedBytes = Outbox.sizeOf(selected);
            if (!selected.isEmpty()) {
                // Only the first revision of a batch may use the "fits an empty outbox" rule.
                boolean fits = taken.isEmpty()
                        ? room.fits(selected.size(), selectedBytes)
                        : room.pendingEvents() + taken.size() + selected.size()
                                <= room.eventsMax()
                            && room.pendingBytes() + bytes + selectedBytes <= room.bytesMax();
                if (!fits) {
                    return new CatchUpBatch(taken, revision, selected.size(), selectedBytes,
                            last);
                }
                taken.addAll(selected);
                bytes += selectedBytes;
                last = selected;
            }
            i = end;
        }
        return new CatchUpBatch(taken, 0, 0, 0, last);
    }

    private static long revisionOf(Event event) {
        return event.getKv().getModRevision();
    }
}
