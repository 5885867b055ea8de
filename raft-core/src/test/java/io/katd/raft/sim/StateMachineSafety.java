package io.katd.raft.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * State machine safety (Raft, 5.4.3): every node applies the same entry at each index,
 * applies indexes in order without gaps or repeats, and a snapshot installs exactly the
 * state that applying the log up to its index produces.
 */
final class StateMachineSafety implements Checker {
    private record Seen(long node, long hash) {}

    private final Map<Long, Seen> stateAt = new HashMap<>();
    private final Map<Long, Long> lastApplied = new HashMap<>();

    @Override
    public void on(Event e) {
        if (e instanceof Event.Applied a) {
            long last = lastApplied.getOrDefault(a.node(), 0L);
            if (a.index() != last + 1) {
                throw new InvariantViolation("StateMachineSafety", "node " + a.node()
                        + " applied index " + a.index() + " right after " + last);
            }
            agree(a.node(), a.index(), a.hash());
        } else if (e instanceof Event.SnapshotApplied s) {
            long last = lastApplied.getOrDefault(s.node(), 0L);
            if (s.index() <= last) {
                throw new InvariantViolation("StateMachineSafety", "node " + s.node()
                        + " installed a snapshot at " + s.index() + " after applying " + last);
            }
            agree(s.node(), s.index(), s.hash());
        } else if (e instanceof Event.Restarted r) {
            lastApplied.put(r.node(), r.applied());
            if (r.applied() > 0) {
                agree(r.node(), r.applied(), r.appliedHash());
            }
        }
    }

    private void agree(long node, long index, long hash) {
        lastApplied.put(node, index);
        Seen earlier = stateAt.putIfAbsent(index, new Seen(node, hash));
        if (earlier != null && earlier.hash() != hash) {
            throw new InvariantViolation("StateMachineSafety", "nodes " + earlier.node()
                    + " and " + node + " have different state after applying index " + index);
        }
    }
}
