package io.katd.agent;

import io.katd.raft.StateType;
import io.katd.raft.Status;
import io.katd.raft.node.RaftNode;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Whether a member is healthy, as /health reports it: a leader is known and, on the
 * leader, a quorum of voters was reachable within the last two election timeouts. The
 * leader's view of its followers is sampled every heartbeat ({@link #sample}), because
 * the protocol resets its "recently active" flags every election timeout.
 */
final class Health {
    /** What /health answers. */
    record Report(boolean healthy, String reason, long member, long leader, long term) {
        String json() {
            return "{\"health\":\"" + healthy + "\",\"reason\":\"" + reason.replace("\"", "'")
                    + "\",\"member\":\"" + MemberIds.hex(member) + "\",\"leader\":\""
                    + (leader == 0 ? "" : MemberIds.hex(leader)) + "\",\"term\":" + term + "}";
        }
    }

    private final RaftNode<?> node;
    private final long windowNanos;
    private final LongSupplier clock;
    private volatile long lastQuorumNanos;
    private volatile boolean quorumEverSeen;

    Health(RaftNode<?> node, Duration electionTimeout, LongSupplier clock) {
        this.node = node;
        this.windowNanos = electionTimeout.multipliedBy(2).toNanos();
        this.clock = clock;
    }

    /** Records whether this member, if leader, reaches a quorum now. Any thread. */
    void sample() {
        if (!node.isRunning()) {
            return;
        }
        Status s = node.status();
        if (s.softState().raftState() == StateType.LEADER && quorumActive(s)) {
            lastQuorumNanos = clock.getAsLong();
            quorumEverSeen = true;
        }
    }

    private static boolean quorumActive(Status s) {
        int voters = 0;
        int active = 0;
        for (Map.Entry<Long, Status.PeerProgress> e : s.progress().entrySet()) {
            if (e.getValue().isLearner()) {
                continue;
            }
            voters++;
            if (e.getKey() == s.id() || e.getValue().recentActive()) {
                active++;
            }
        }
        return voters > 0 && active >= voters / 2 + 1;
    }

    Report check() {
        long id = node.id();
        if (!node.isRunning()) {
            return new Report(false, "the raft node is not running", id, 0, 0);
        }
        Status s = node.status();
        long term = s.hardState().getTerm();
        long lead = s.softState().lead();
        if (lead == 0) {
            return new Report(false, "no leader is known at term " + term, id, 0, term);
        }
        if (s.softState().raftState() == StateType.LEADER) {
            sample();
            boolean recent = quorumEverSeen && clock.getAsLong() - lastQuorumNanos <= windowNanos;
            if (!recent) {
                return new Report(false, "this leader has not reached a quorum of voters"
                        + " recently", id, lead, term);
            }
        }
        return new Report(true, "", id, lead, term);
    }
}
