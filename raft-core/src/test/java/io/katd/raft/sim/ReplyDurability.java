package io.katd.raft.sim;

/**
 * A node promises only what survives a crash: a granted vote leaves only once the vote
 * is durable, or a later term is (which rules out voting in that term again), and an
 * append acknowledgement only covers durable entries. Otherwise a restart could vote
 * twice or lose entries a leader counted as replicated.
 */
final class ReplyDurability implements Checker {
    @Override
    public void on(Event e) {
        if (e instanceof Event.VoteGranted v) {
            boolean durable = v.durableTerm() > v.term()
                    || v.durableTerm() == v.term() && v.durableVote() == v.candidate();
            if (!durable) {
                throw new InvariantViolation("ReplyDurability", "node " + v.node()
                        + " granted its vote in term " + v.term() + " to " + v.candidate()
                        + " but its durable hard state is term " + v.durableTerm()
                        + " vote " + v.durableVote());
            }
        } else if (e instanceof Event.AppendAcked a && a.index() > a.durableLastIndex()) {
            throw new InvariantViolation("ReplyDurability", "node " + a.node()
                    + " acknowledged entries up to " + a.index()
                    + " but its durable log ends at " + a.durableLastIndex());
        }
    }
}
