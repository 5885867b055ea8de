package io.katd.raft.sim;

import io.katd.raft.StateType;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Liveness once every fault is healed: some node leads within a bounded number of
 * ticks, the write made after healing is acknowledged, and by the end every member of
 * the final configuration has applied every acknowledged proposal.
 */
final class Convergence implements Checker {
    private final long leaderBoundTicks;
    private final Set<Long> leaders = new HashSet<>();
    private long tick;
    private long healedAt = -1;
    private long leaderAt = -1;
    private long maxAcked;

    Convergence(long leaderBoundTicks) {
        this.leaderBoundTicks = leaderBoundTicks;
    }

    @Override
    public void on(Event e) {
        if (e instanceof Event.Tick t) {
            tick = t.tick();
        } else if (e instanceof Event.RoleChanged r) {
            if (r.role() == StateType.LEADER) {
                leaders.add(r.node());
                noteLeader();
            } else {
                leaders.remove(r.node());
            }
        } else if (e instanceof Event.Stopped s) {
            leaders.remove(s.node());
        } else if (e instanceof Event.Healed h) {
            healedAt = h.tick();
            if (!leaders.isEmpty()) {
                noteLeader();
            }
        } else if (e instanceof Event.ProposalAcked a) {
            maxAcked = Math.max(maxAcked, a.index());
        } else if (e instanceof Event.Finished f) {
            finish(f);
        }
    }

    private void noteLeader() {
        if (healedAt >= 0 && leaderAt < 0) {
            leaderAt = tick;
        }
    }

    private void finish(Event.Finished f) {
        if (healedAt < 0) {
            throw violation("the run finished without healing its faults");
        }
        if (leaderAt < 0 || leaderAt - healedAt > leaderBoundTicks) {
            throw violation("no leader within " + leaderBoundTicks + " ticks of healing at tick "
                    + healedAt + (leaderAt < 0 ? "" : " (first at tick " + leaderAt + ")"));
        }
        if (!f.finalWriteAcked()) {
            throw violation("the write made after healing was not acknowledged by tick "
                    + f.tick());
        }
        for (Map.Entry<Long, Long> m : f.memberApplied().entrySet()) {
            if (m.getValue() < maxAcked) {
                throw violation("member " + m.getKey() + " applied only up to "
                        + m.getValue() + " by tick " + f.tick()
                        + ", missing acknowledged proposals up to " + maxAcked);
            }
        }
    }

    private static InvariantViolation violation(String message) {
        return new InvariantViolation("Convergence", message);
    }
}
