package io.katd.raft.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * Log matching (Raft, 5.3): if two logs hold an entry with the same index and term, the
 * logs are identical up to that index. Entries carry chained hashes, so comparing the
 * hash at each (index, term) ever persisted by any node compares whole prefixes.
 */
final class LogMatching implements Checker {
    private record Key(long index, long term) {}

    private record Seen(long node, long hash) {}

    private final Map<Key, Seen> seen = new HashMap<>();

    @Override
    public void on(Event e) {
        if (e instanceof Event.EntryPersisted p) {
            check(p.node(), p.index(), p.term(), p.hash());
        } else if (e instanceof Event.SnapshotPersisted s) {
            check(s.node(), s.index(), s.term(), s.hash());
        }
    }

    private void check(long node, long index, long term, long hash) {
        Seen earlier = seen.putIfAbsent(new Key(index, term), new Seen(node, hash));
        if (earlier != null && earlier.hash() != hash) {
            throw new InvariantViolation("LogMatching", "nodes " + earlier.node() + " and "
                    + node + " both hold an entry at index " + index + " term " + term
                    + " but their logs differ up to it");
        }
    }
}
