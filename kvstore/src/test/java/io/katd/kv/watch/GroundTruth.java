package io.katd.kv.watch;

import io.katd.proto.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every revision's events as the MVCC store reported them when it applied the write (with
 * prev_kv wherever the key existed), and every compaction: what watch streams are checked
 * against. Kept whole, even below compactions.
 */
final class GroundTruth {

    private final NavigableMap<Long, List<Event>> revisions = new TreeMap<>();
    private final NavigableSet<Long> compactions = new TreeSet<>();

    void record(List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        long revision = events.get(0).getKv().getModRevision();
        for (Event event : events) {
            if (event.getKv().getModRevision() != revision) {
                throw new AssertionError("events of several revisions in one write: " + events);
            }
        }
        if (!revisions.isEmpty() && revision != revisions.lastKey() + 1) {
            throw new AssertionError("revision " + revision + " after " + revisions.lastKey());
        }
        revisions.put(revision, List.copyOf(events));
    }

    void recordCompaction(long revision) {
        compactions.add(revision);
    }

    NavigableMap<Long, List<Event>> revisions() {
        return Collections.unmodifiableNavigableMap(revisions);
    }

    boolean wasCompactedAt(long revision) {
        return compactions.contains(revision);
    }

    List<Event> all() {
        List<Event> all = new ArrayList<>();
        revisions.values().forEach(all::addAll);
        return all;
    }
}
