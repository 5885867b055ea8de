package io.katd.kv.watch;

import io.katd.proto.etcd.mvccpb.Event;
import java.util.List;
import java.util.Objects;

/**
 * One message of a watch's stream. A stream is: CREATED (unless the watch was cancelled before
 * the hub registered it), then EVENTS and PROGRESS responses, then at most one CANCELED, which
 * is the last.
 *
 * @param revision the header revision: the store's revision when the hub produced the response,
 *     never below the revision of an event it carries. CREATED: the revision the watch was
 *     registered at (a watch from "now" starts one above it). PROGRESS: every event of the
 *     watch up to this revision has been delivered before this response
 * @param events EVENTS only, never empty: the events of one or more whole revisions, in
 *     revision order and, within a revision, in the order of the changes
 * @param cancelReason CANCELED only, null otherwise
 * @param compactRevision CANCELED with {@link CancelReason#COMPACTED} only, 0 otherwise: the
 *     compacted revision; a new watch can start at one above it
 */
public record WatchResponse(long watchId, Kind kind, long revision, List<Event> events,
        CancelReason cancelReason, long compactRevision) {

    public enum Kind { CREATED, EVENTS, PROGRESS, CANCELED }

    public WatchResponse {
        Objects.requireNonNull(kind, "kind");
        events = List.copyOf(events);
        if (events.isEmpty() == (kind == Kind.EVENTS)) {
            throw new IllegalArgumentException("a " + kind + " response must "
                    + (kind == Kind.EVENTS ? "" : "not ") + "carry events");
        }
        if ((cancelReason != null) != (kind == Kind.CANCELED)) {
            throw new IllegalArgumentException("a " + kind + " response must "
                    + (kind == Kind.CANCELED ? "" : "not ") + "carry a cancel reason");
        }
        if ((compactRevision != 0) != (cancelReason == CancelReason.COMPACTED)) {
            throw new IllegalArgumentException("compact revision " + compactRevision
                    + " does not go with cancel reason " + cancelReason);
        }
    }

    static WatchResponse created(long watchId, long revision) {
        return new WatchResponse(watchId, Kind.CREATED, revision, List.of(), null, 0);
    }

    static WatchResponse events(long watchId, long revision, List<Event> events) {
        return new WatchResponse(watchId, Kind.EVENTS, revision, events, null, 0);
    }

    static WatchResponse progress(long watchId, long revision) {
        return new WatchResponse(watchId, Kind.PROGRESS, revision, List.of(), null, 0);
    }

    static WatchResponse canceled(long watchId, long revision, CancelReason reason,
            long compactRevision) {
        Objects.requireNonNull(reason, "reason");
        return new WatchResponse(watchId, Kind.CANCELED, revision, List.of(), reason,
                compactRevision);
    }

    /** A sentence for clients and logs; empty unless CANCELED. */
    public String cancelMessage() {
        if (cancelReason == null) {
            return "";
        }
        return switch (cancelReason) {
            case CLIENT -> "watch " + watchId + " cancelled by the client";
            case COMPACTED -> "watch " + watchId + ": the required revision has been compacted;"
                    + " the store is compacted up to revision " + compactRevision
                    + ", so the oldest revision a watch can start from is "
                    + (compactRevision + 1);
            case LISTENER_FAILED -> "watch " + watchId + " cancelled: its listener failed";
            case HUB_CLOSED -> "watch " + watchId + " cancelled: the watch hub was closed";
        };
    }
}
