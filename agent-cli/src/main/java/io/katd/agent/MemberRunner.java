package io.katd.agent;

import io.katd.proto.raft.ConfState;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a started member serving until the process is told to stop (SIGTERM or Ctrl-C,
 * through a shutdown hook that closes the member in order), or until its Raft node stops
 * on its own after a fatal error (for example a failed disk write), or until the member is
 * removed from the cluster's configuration after having been in it; both end the process
 * with status 1.
 *
 * <p>A removed member does not stop at once: for {@link #REMOVAL_GRACE_ELECTIONS} election
 * timeouts it still answers its peers (it no longer campaigns). A leader that removed itself
 * may be the only one that knows the removal committed; the others then still count it in
 * the old configuration, and without its vote they could not elect anyone. etcd delays the
 * stop of a removed member for the same reason.
 */
final class MemberRunner {
    private static final Logger LOG = LoggerFactory.getLogger("katd");

    static final int REMOVAL_GRACE_ELECTIONS = 2;

    private MemberRunner() {}

    /** Whether {@code id} is a voter (incoming or outgoing) or a learner of {@code cs}. */
    static boolean includes(ConfState cs, long id) {
        return cs.getVotersList().contains(id) || cs.getVotersOutgoingList().contains(id)
                || cs.getLearnersList().contains(id) || cs.getLearnersNextList().contains(id);
    }

    static int start(ClusterConfig config) throws Exception {
        return serve(Bootstrap.start(config));
    }

    static int serve(Member member) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            member.close();
            closed.countDown();
        }, "katd-shutdown"));
        boolean wasMember = false;
        long removedAt = 0;
        long graceNanos = member.config().electionTimeout().multipliedBy(REMOVAL_GRACE_ELECTIONS)
                .toNanos();
        while (!closed.await(200, TimeUnit.MILLISECONDS)) {
            if (member.refusal() != null && !member.isClosing()) {
                member.close();
                return Katd.FAILURE;
            }
            if (member.node().isRunning() && !member.isClosing()) {
                boolean isMember = includes(member.node().confState(),
                        member.identity().memberId());
                if (wasMember && !isMember && removedAt == 0) {
                    removedAt = System.nanoTime();
                    LOG.warn("member {} ({}) was removed from the cluster; it keeps answering"
                            + " its peers for {} election timeouts, then stops",
                            member.identity().name(), MemberIds.hex(member.identity()
                                    .memberId()), REMOVAL_GRACE_ELECTIONS);
                }
                if (removedAt != 0 && System.nanoTime() - removedAt >= graceNanos) {
                    LOG.error("member {} ({}) was removed from the cluster and stops; its data"
                            + " directory can no longer serve: remove it (or add the node"
                            + " again with katd join and an empty data directory)",
                            member.identity().name(), MemberIds.hex(member.identity()
                                    .memberId()));
                    member.close();
                    return Katd.FAILURE;
                }
                wasMember |= isMember;
            }
            if (!member.node().isRunning() && !member.isClosing()) {
                LOG.error("the Raft node of member {} stopped after a fatal error (logged"
                        + " above); it cannot trust its disk or state and exits",
                        member.identity().name());
                if (member.unverified()) {
                    // The likeliest cause: the leader still counts entries this member
                    // acknowledged in an earlier life and tells it to commit past its log.
                    LOG.error(FreshMemberCheck.wipedMessage(member.identity(),
                            member.dataDir(), "the cluster expects it to hold entries its"
                                    + " new log does not have"));
                }
                member.close();
                return Katd.FAILURE;
            }
        }
        return Katd.OK;
    }
}
