package io.katd.raft.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * Per node: term, commit and applied index never go down within one incarnation; their
 * durable values never go down at all; a restarted node resumes at least at its durable
 * state; and a node never applies beyond its commit index.
 */
final class Monotonicity implements Checker {
    private final Map<Long, Event.NodeState> last = new HashMap<>();

    @Override
    public void on(Event e) {
        if (!(e instanceof Event.NodeState s)) {
            return;
        }
        if (s.applied() > s.commit()) {
            throw violation(s, "applied " + s.applied() + " beyond commit " + s.commit());
        }
        Event.NodeState p = last.put(s.node(), s);
        if (p == null) {
            return;
        }
        notBelow(s, "durable term", p.durableTerm(), s.durableTerm());
        notBelow(s, "durable commit", p.durableCommit(), s.durableCommit());
        notBelow(s, "durable applied", p.durableApplied(), s.durableApplied());
        if (p.incarnation() == s.incarnation()) {
            notBelow(s, "term", p.term(), s.term());
            notBelow(s, "commit", p.commit(), s.commit());
            notBelow(s, "applied", p.applied(), s.applied());
        } else {
            notBelow(s, "term after restart", p.durableTerm(), s.term());
            notBelow(s, "commit after restart", p.durableCommit(), s.commit());
            notBelow(s, "applied after restart", p.durableApplied(), s.applied());
        }
    }

    private static void notBelow(Event.NodeState s, String what, long before, long now) {
        if (now < before) {
            throw violation(s, what + " went down from " + before + " to " + now);
        }
    }

    private static InvariantViolation violation(Event.NodeState s, String message) {
        return new InvariantViolation("Monotonicity", "node " + s.node() + " (incarnation "
                + s.incarnation() + "): " + message);
    }
}
