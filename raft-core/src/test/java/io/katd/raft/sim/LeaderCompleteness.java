package io.katd.raft.sim;

import io.katd.raft.StateType;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Leader completeness (Raft, 5.4): an entry committed in term T is in the log of every
 * leader of a later term. Also the two facts it rests on: all nodes that report an index
 * committed agree on the log up to it, and a leader never overwrites its own log.
 *
 * <p>The term an entry was committed in is not observable, so each commit is labelled
 * with the term of the node that reported it. A leader's commit index moves only through
 * commits in its term, and a follower's only through a leader of its term, so the label
 * is never below the true term: the check may miss a violation but never invents one.
 * Each node's log is rebuilt from the events; the chained hashes make checking the
 * highest relevant committed index enough to cover every index below it.
 */
final class LeaderCompleteness implements Checker {
    private record Commit(long hash, long label, long node) {}

    private final Map<Long, LogMirror> logs = new HashMap<>();
    private final Map<Long, Long> leaders = new HashMap<>();
    private final TreeMap<Long, Commit> committed = new TreeMap<>();

    @Override
    public void on(Event e) {
        if (e instanceof Event.EntryPersisted p) {
            LogMirror log = log(p.node());
            if (leaders.containsKey(p.node()) && p.index() <= log.lastIndex()) {
                throw violation("leader " + p.node() + " of term " + leaders.get(p.node())
                        + " overwrote its own log at index " + p.index());
            }
            log.put(p.index(), p.term(), p.hash());
        } else if (e instanceof Event.SnapshotPersisted s) {
            log(s.node()).resetTo(s.index(), s.term(), s.hash());
        } else if (e instanceof Event.Compacted c) {
            log(c.node()).compact(c.index());
        } else if (e instanceof Event.Committed c) {
            onCommitted(c);
        } else if (e instanceof Event.RoleChanged r) {
            onRole(r);
        } else if (e instanceof Event.Stopped s) {
            leaders.remove(s.node());
        }
    }

    private LogMirror log(long node) {
        return logs.computeIfAbsent(node, n -> new LogMirror(0, 0, 0));
    }

    private void onCommitted(Event.Committed c) {
        Commit earlier = committed.get(c.index());
        if (earlier != null && earlier.hash() != c.hash()) {
            throw violation("nodes " + earlier.node() + " and " + c.node()
                    + " committed different logs up to index " + c.index());
        }
        if (earlier == null || c.term() < earlier.label()) {
            committed.put(c.index(), new Commit(c.hash(), c.term(), c.node()));
        }
        for (Map.Entry<Long, Long> l : leaders.entrySet()) {
            if (l.getValue() > c.term()) {
                mustHold(l.getKey(), l.getValue(), c.index(), c.hash());
            }
        }
    }

    private void onRole(Event.RoleChanged r) {
        if (r.role() != StateType.LEADER) {
            leaders.remove(r.node());
            return;
        }
        leaders.put(r.node(), r.term());
        for (Map.Entry<Long, Commit> c : committed.descendingMap().entrySet()) {
            if (c.getValue().label() < r.term()) {
                mustHold(r.node(), r.term(), c.getKey(), c.getValue().hash());
                return;
            }
        }
    }

    private void mustHold(long leader, long term, long index, long hash) {
        LogMirror log = log(leader);
        if (index <= log.base()) {
            // Covered by the leader's snapshot, whose state StateMachineSafety checks.
            return;
        }
        if (log.hashAt(index) != hash) {
            throw violation("leader " + leader + " of term " + term + " lacks the entry at "
                    + "index " + index + " committed in an earlier term (its log ends at "
                    + log.lastIndex() + ")");
        }
    }

    private static InvariantViolation violation(String message) {
        return new InvariantViolation("LeaderCompleteness", message);
    }
}
