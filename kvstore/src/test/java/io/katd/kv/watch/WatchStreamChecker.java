package io.katd.kv.watch;

import com.google.protobuf.ByteString;
import io.katd.proto.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks one watch stream against the ground truth (VERIFY.md section 3): ordered, unique, no
 * gaps, atomic per revision, prev_kv and filters as asked, progress notifications that promise
 * only what was delivered, and a cancellation for compaction only when the history the watch
 * needed was really compacted. Written from the watch contract, independently of the hub:
 * it resolves key ranges and filters itself.
 *
 * <p>A stream ended by a cancel is checked as a correct prefix; a live stream, when the caller
 * says everything has settled, must hold every event up to the current revision.
 */
final class WatchStreamChecker {

    private record Expected(long revision, List<Event> events) {
    }

    private final GroundTruth truth;
    private final long currentRevision;

    WatchStreamChecker(GroundTruth truth, long currentRevision) {
        this.truth = truth;
        this.currentRevision = currentRevision;
    }

    /** Throws an {@link AssertionError} naming the first violation. */
    void check(WatchRequest request, List<WatchResponse> stream, boolean settled) {
        String violation = findViolation(request, stream, settled);
        if (violation != null) {
            throw new AssertionError("watch stream violates the watch guarantees: " + violation
                    + "\n  request: " + request + "\n  stream: " + describe(stream));
        }
    }

    String findViolation(WatchRequest request, List<WatchResponse> stream, boolean settled) {
        String shape = checkShape(stream, settled);
        if (shape != null) {
            return shape;
        }
        WatchResponse first = stream.isEmpty() ? null : stream.get(0);
        if (first == null || first.kind() == WatchResponse.Kind.CANCELED) {
            return null;
        }
        long start = request.startRevision() != 0 ? request.startRevision()
                : first.revision() + 1;
        List<Expected> expected = expected(request, start);
        int next = 0;
        long last = 0;
        for (WatchResponse response : stream) {
            if (response.kind() == WatchResponse.Kind.PROGRESS && next < expected.size()
                    && expected.get(next).revision() <= response.revision()) {
                return "progress at revision " + response.revision() + " before revision "
                        + expected.get(next).revision() + " was delivered";
            }
            if (response.kind() != WatchResponse.Kind.EVENTS) {
                continue;
            }
            for (List<Event> group : byRevision(response.events())) {
                long revision = group.get(0).getKv().getModRevision();
                String bad = checkRevision(response, revision, group, last, start,
                        next < expected.size() ? expected.get(next) : null);
                if (bad != null) {
                    return bad;
                }
                last = revision;
                next++;
            }
        }
        return checkEnd(stream, settled, expected, next, start, last);
    }

    private static String checkShape(List<WatchResponse> stream, boolean settled) {
        if (stream.isEmpty()) {
            return settled ? "no response at all, not even CREATED" : null;
        }
        for (int i = 0; i < stream.size(); i++) {
            WatchResponse.Kind kind = stream.get(i).kind();
            if (kind == WatchResponse.Kind.CREATED && i != 0) {
                return "CREATED at position " + i;
            }
            if (kind == WatchResponse.Kind.CANCELED && i != stream.size() - 1) {
                return "responses after CANCELED at position " + i;
            }
            if (i == 0 && kind != WatchResponse.Kind.CREATED
                    && kind != WatchResponse.Kind.CANCELED) {
                return "stream starts with " + kind;
            }
        }
        return null;
    }

    private static String checkRevision(WatchResponse response, long revision, List<Event> group,
            long last, long start, Expected expected) {
        if (response.revision() < revision) {
            return "header revision " + response.revision() + " below event revision "
                    + revision;
        }
        if (revision <= last) {
            return "revision " + revision + " delivered after revision " + last
                    + " (repeated, out of order, or split across responses)";
        }
        if (revision < start) {
            return "revision " + revision + " is before the start revision " + start;
        }
        if (expected == null || expected.revision() > revision) {
            return "revision " + revision + " delivered but it has no events for this watch";
        }
        if (expected.revision() < revision) {
            return "gap: revision " + expected.revision() + " missing before revision "
                    + revision;
        }
        if (!expected.events().equals(group)) {
            return "revision " + revision + ": delivered " + group + " but expected "
                    + expected.events();
        }
        return null;
    }

    private String checkEnd(List<WatchResponse> stream, boolean settled, List<Expected> expected,
            int next, long start, long last) {
        WatchResponse end = stream.get(stream.size() - 1);
        if (end.kind() != WatchResponse.Kind.CANCELED) {
            if (settled && next < expected.size()) {
                return "missing revision " + expected.get(next).revision()
                        + " although the hub has settled at revision " + currentRevision;
            }
            return null;
        }
        if (end.cancelReason() == CancelReason.COMPACTED) {
            long needed = Math.max(start, last + 1);
            if (end.compactRevision() < needed) {
                return "cancelled as compacted at " + end.compactRevision()
                        + " but the watch needed revision " + needed + ", which is available";
            }
            if (!truth.wasCompactedAt(end.compactRevision())) {
                return "cancelled as compacted at " + end.compactRevision()
                        + ", where no compaction happened";
            }
        }
        return null;
    }

    private List<Expected> expected(WatchRequest request, long start) {
        List<Expected> expected = new ArrayList<>();
        if (start > currentRevision) {
            return expected;
        }
        for (Map.Entry<Long, List<Event>> entry
                : truth.revisions().subMap(start, true, currentRevision, true).entrySet()) {
            List<Event> events = new ArrayList<>();
            for (Event event : entry.getValue()) {
                if (wanted(request, event)) {
                    events.add(request.prevKv() ? event : event.toBuilder().clearPrevKv().build());
                }
            }
            if (!events.isEmpty()) {
                expected.add(new Expected(entry.getKey(), events));
            }
        }
        return expected;
    }

    private static boolean wanted(WatchRequest request, Event event) {
        if (event.getType() == Event.EventType.PUT && request.noPut()) {
            return false;
        }
        if (event.getType() == Event.EventType.DELETE && request.noDelete()) {
            return false;
        }
        ByteString key = event.getKv().getKey();
        if (request.rangeEnd().isEmpty()) {
            return key.equals(request.key());
        }
        var order = ByteString.unsignedLexicographicalComparator();
        boolean toTheEnd = request.rangeEnd().size() == 1 && request.rangeEnd().byteAt(0) == 0;
        return order.compare(key, request.key()) >= 0
                && (toTheEnd || order.compare(key, request.rangeEnd()) < 0);
    }

    private static List<List<Event>> byRevision(List<Event> events) {
        List<List<Event>> groups = new ArrayList<>();
        for (Event event : events) {
            long revision = event.getKv().getModRevision();
            if (groups.isEmpty() || groups.get(groups.size() - 1).get(0).getKv()
                    .getModRevision() != revision) {
                groups.add(new ArrayList<>());
            }
            groups.get(groups.size() - 1).add(event);
        }
        return groups;
    }

    static String describe(List<WatchResponse> stream) {
        StringBuilder text = new StringBuilder();
        for (WatchResponse response : stream) {
            text.append("\n    ").append(response.kind()).append(" @").append(response.revision());
            if (response.kind() == WatchResponse.Kind.EVENTS) {
                text.append(" revisions ").append(response.events().stream()
                        .map(e -> e.getType() + ":" + e.getKv().getKey().toStringUtf8() + "@"
                                + e.getKv().getModRevision())
                        .toList());
            }
            if (response.kind() == WatchResponse.Kind.CANCELED) {
                text.append(' ').append(response.cancelMessage());
            }
        }
        return text.toString();
    }
}
