package io.katd.raft.sim;

/**
 * The Ready contract the simulator relies on: a Ready that carries entries, a snapshot,
 * or a new term or vote asks for a sync. Without it, a crash could lose entries or a vote
 * that the Ready's messages (sent once the write returned) already promised.
 */
final class ReadyContract implements Checker {
    @Override
    public void on(Event e) {
        if (e instanceof Event.ReadyHandedOut r && !r.mustSync()
                && (r.entries() || r.snapshot() || r.termOrVote())) {
            throw new InvariantViolation("ReadyContract", "node " + r.node()
                    + " handed out a Ready with mustSync false that carries"
                    + (r.entries() ? " entries" : "") + (r.snapshot() ? " a snapshot" : "")
                    + (r.termOrVote() ? " a new term or vote" : ""));
        }
    }
}
