package io.katd.raft.sim;

import io.katd.raft.StateType;
import java.util.HashMap;
import java.util.Map;

/** At most one leader per term, over the whole run and across restarts (Raft, 5.2). */
final class ElectionSafety implements Checker {
    private final Map<Long, Long> leaderOfTerm = new HashMap<>();

    @Override
    public void on(Event e) {
        if (!(e instanceof Event.RoleChanged r) || r.role() != StateType.LEADER) {
            return;
        }
        Long earlier = leaderOfTerm.putIfAbsent(r.term(), r.node());
        if (earlier != null && earlier != r.node()) {
            throw new InvariantViolation("ElectionSafety", "term " + r.term()
                    + " has two leaders: " + earlier + " and " + r.node());
        }
    }
}
