package io.katd.agent;

import io.katd.raft.StateType;
import io.katd.raft.node.RaftNodeListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a node's leadership and proposal events into log lines (one per leadership
 * change) and metrics.
 */
final class MemberEvents implements RaftNodeListener {
    private static final Logger LOG = LoggerFactory.getLogger("katd.member");

    private final String who;
    private final Metrics.Counter leaderChanges;
    private final Metrics.Counter proposalsCommitted;
    private final Metrics.Counter proposalsFailed;
    private final Metrics.Histogram commitLatency;
    // Callbacks arrive in order on the node's single completion thread.
    private volatile StateType role = StateType.FOLLOWER;

    MemberEvents(String who, Metrics metrics) {
        this.who = who;
        this.leaderChanges = metrics.counter("katd_raft_leader_changes_total",
                "Leader changes this member has seen.");
        this.proposalsCommitted = metrics.counter("katd_raft_proposals_committed_total",
                "Proposals made through this member that were committed and applied.");
        this.proposalsFailed = metrics.counter("katd_raft_proposals_failed_total",
                "Proposals made through this member that failed.");
        this.commitLatency = metrics.histogram("katd_raft_commit_duration_seconds",
                "Time from a proposal on this member to its apply here.",
                0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);
    }

    @Override
    public void onLeaderChange(long leaderId, long term) {
        leaderChanges.inc();
        if (leaderId == 0) {
            LOG.info("{} lost its leader at term {}", who, term);
        } else {
            LOG.info("{} sees leader {} at term {}", who, MemberIds.hex(leaderId), term);
        }
    }

    @Override
    public void onRoleChange(StateType newRole, long term) {
        StateType old = role;
        role = newRole;
        if (newRole == StateType.LEADER) {
            LOG.info("{} became leader at term {}", who, term);
        } else if (old == StateType.LEADER) {
            LOG.info("{} stepped down to {} at term {}", who, newRole, term);
        }
    }

    @Override
    public void onProposalDone(boolean committed, long latencyNanos) {
        if (committed) {
            proposalsCommitted.inc();
            commitLatency.observeNanos(latencyNanos);
        } else {
            proposalsFailed.inc();
        }
    }
}
