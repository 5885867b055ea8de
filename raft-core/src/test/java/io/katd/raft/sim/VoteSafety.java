package io.katd.raft.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * Each node votes for at most one candidate per term, across restarts: the votes it
 * persisted and the votes it granted on the wire must all agree.
 */
final class VoteSafety implements Checker {
    private record Key(long node, long term) {}

    private final Map<Key, Long> votes = new HashMap<>();

    @Override
    public void on(Event e) {
        if (e instanceof Event.VoteRecorded v) {
            record(v.node(), v.term(), v.candidate());
        } else if (e instanceof Event.VoteGranted v) {
            record(v.node(), v.term(), v.candidate());
        }
    }

    private void record(long node, long term, long candidate) {
        Long earlier = votes.putIfAbsent(new Key(node, term), candidate);
        if (earlier != null && earlier != candidate) {
            throw new InvariantViolation("VoteSafety", "node " + node + " voted for "
                    + earlier + " and for " + candidate + " in term " + term);
        }
    }
}
