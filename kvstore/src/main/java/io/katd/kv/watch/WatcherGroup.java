package io.katd.kv.watch;

import com.google.protobuf.ByteString;
import io.katd.proto.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The synced watchers, indexed for matching a revision's events: single-key watches (the
 * common case) by key, range watches in a list that every event is checked against. Linked
 * sets keep iteration in insertion order, so that delivery order never depends on identity
 * hash codes. Apply thread only.
 */
final class WatcherGroup {

    private final Map<ByteString, Set<Watcher>> singleKey = new HashMap<>();
    private final Set<Watcher> ranges = new LinkedHashSet<>();

    void add(Watcher watcher) {
        boolean added = watcher.range.single()
                ? singleKey.computeIfAbsent(watcher.range.start(), k -> new LinkedHashSet<>())
                        .add(watcher)
                : ranges.add(watcher);
        if (!added) {
            throw new IllegalStateException(watcher + " is already synced");
        }
    }

    /** Removes {@code watcher} if it is in the group; returns whether it was. */
    boolean remove(Watcher watcher) {
        if (!watcher.range.single()) {
            return ranges.remove(watcher);
        }
        Set<Watcher> watchers = singleKey.get(watcher.range.start());
        if (watchers == null || !watchers.remove(watcher)) {
            return false;
        }
        if (watchers.isEmpty()) {
            singleKey.remove(watcher.range.start());
        }
        return true;
    }

    List<Watcher> all() {
        List<Watcher> all = new ArrayList<>(ranges);
        singleKey.values().forEach(all::addAll);
        return all;
    }

    void clear() {
        singleKey.clear();
        ranges.clear();
    }

    /**
     * The watchers whose key range holds at least one of {@code events}, each with those events
     * in their original order.
     */
    Map<Watcher, List<Event>> match(List<Event> events) {
        Map<Watcher, List<Event>> matched = new LinkedHashMap<>();
        for (Event event : events) {
            ByteString key = event.getKv().getKey();
            for (Watcher watcher : singleKey.getOrDefault(key, Set.of())) {
                matched.computeIfAbsent(watcher, w -> new ArrayList<>()).add(event);
            }
            for (Watcher watcher : ranges) {
                if (watcher.range.contains(key)) {
                    matched.computeIfAbsent(watcher, w -> new ArrayList<>()).add(event);
                }
            }
        }
        return matched;
    }
}
