package io.katd.kv.mvcc;

import java.util.ArrayList;
import java.util.List;

/**
 * The revisions at which one key changed, oldest first: the key's part of the in-memory key
 * index. A put appends a live entry, a delete appends a tombstone; a tombstone ends a
 * generation of the key, and the next put starts a new one with a new create revision.
 */
final class KeyHistory {

    record Entry(Revision revision, boolean tombstone) {
    }

    // Invariant: revisions ascend strictly; the first entry is live (compaction drops leading
    // tombstones, and a key that never existed cannot be deleted); no two tombstones are
    // adjacent.
    private final List<Entry> entries = new ArrayList<>();

    void append(Revision revision, boolean tombstone) {
        Entry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
        if (last != null && last.revision().compareTo(revision) >= 0) {
            throw new IllegalStateException("revision " + revision + " appended after "
                    + last.revision());
        }
        if (tombstone && (last == null || last.tombstone())) {
            throw new IllegalStateException("tombstone at " + revision + " for a key that does"
                    + " not exist (previous entry " + last + ")");
        }
        entries.add(new Entry(revision, tombstone));
    }

    /** The revision of the key's value as of main revision {@code main}; null if absent then. */
    Revision liveAt(long main) {
        int i = lastAtOrBefore(main);
        if (i < 0 || entries.get(i).tombstone()) {
            return null;
        }
        return entries.get(i).revision();
    }

    /**
     * The revision of the value the key had just before {@code revision}, which must be in this
     * history; null when the key did not exist then.
     */
    Revision liveBefore(Revision revision) {
        int i = indexOf(revision);
        if (i < 0) {
            throw new IllegalStateException("revision " + revision + " is not in the history");
        }
        if (i == 0 || entries.get(i - 1).tombstone()) {
            return null;
        }
        return entries.get(i - 1).revision();
    }

    /**
     * How many of the oldest entries compaction at {@code main} removes: all entries at or
     * before it, except the last of them when it is live, because reads at {@code main} and
     * later still need it.
     */
    int compactablePrefix(long main) {
        int i = lastAtOrBefore(main);
        if (i < 0) {
            return 0;
        }
        return entries.get(i).tombstone() ? i + 1 : i;
    }

    /** The revisions of the {@code count} oldest entries. */
    List<Revision> oldest(int count) {
        List<Revision> revisions = new ArrayList<>(count);
        for (Entry entry : entries.subList(0, count)) {
            revisions.add(entry.revision());
        }
        return revisions;
    }

    void dropOldest(int count) {
        entries.subList(0, count).clear();
        assert entries.isEmpty() || !entries.get(0).tombstone() : entries;
    }

    /** Removes the entries at main revision {@code main} or later: undoes a failed write. */
    void truncateFrom(long main) {
        int i = lastAtOrBefore(main - 1);
        entries.subList(i + 1, entries.size()).clear();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Index of the last entry whose main revision is {@code <= main}, or -1. */
    private int lastAtOrBefore(long main) {
        int low = 0;
        int high = entries.size() - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (entries.get(mid).revision().main() <= main) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    private int indexOf(Revision revision) {
        int low = 0;
        int high = entries.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int order = entries.get(mid).revision().compareTo(revision);
            if (order == 0) {
                return mid;
            } else if (order < 0) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
