package io.katd.agent;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.katd.proto.etcd.etcdserverpb.MemberPromoteRequest;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotes a joined learner to voter: asks for MemberPromote (through the members it
 * joined through) until the leader agrees, with a backoff from 250 ms to 5 s, for at most
 * the given time. The leader refuses while the learner is not in sync ("can only promote a
 * learner member which is in sync with leader"), which means: ask again later.
 */
final class LearnerPromotion implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("katd.join");
    private static final long BACKOFF_FIRST_MILLIS = 250;
    private static final long BACKOFF_MAX_MILLIS = 5_000;

    private final MemberIdentity identity;
    private final EtcdClient.Options client;
    private final Duration timeout;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;

    LearnerPromotion(MemberIdentity identity, EtcdClient.Options client, Duration timeout) {
        this.identity = identity;
        this.client = client;
        this.timeout = timeout;
        this.thread = new Thread(this::run, "katd-promotion");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        String who = identity.name() + " (" + MemberIds.hex(identity.memberId()) + ")";
        long deadline = System.nanoTime() + timeout.toNanos();
        long backoff = BACKOFF_FIRST_MILLIS;
        String last = "no attempt";
        int attempts = 0;
        while (System.nanoTime() < deadline) {
            attempts++;
            Outcome o = attempt();
            if (o == Outcome.PROMOTED) {
                LOG.info("member {} promoted to voter after {} attempts", who, attempts);
                return;
            }
            if (o == Outcome.GIVE_UP) {
                return;
            }
            last = o.detail;
            LOG.debug("member {} not promoted yet: {}", who, last);
            try {
                if (stopped.await(backoff, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(BACKOFF_MAX_MILLIS, backoff * 2);
        }
        LOG.error("member {} is still a learner: not promoted within {} ({} attempts, last: {})."
                + " Promote it with: katd ctl --endpoints {} member promote {}", who,
                Durations.format(timeout), attempts, last, String.join(",",
                        client.endpoints()), MemberIds.hex(identity.memberId()));
    }

    /** What one MemberPromote call came to; RETRY carries the reason. */
    private static final class Outcome {
        static final Outcome PROMOTED = new Outcome("promoted");
        static final Outcome GIVE_UP = new Outcome("given up");
        final String detail;

        private Outcome(String detail) {
            this.detail = detail;
        }
    }

    private Outcome attempt() {
        try (EtcdClient etcd = EtcdClient.connect(client)) {
            etcd.cluster().memberPromote(MemberPromoteRequest.newBuilder()
                    .setID(identity.memberId()).build());
            return Outcome.PROMOTED;
        } catch (StatusRuntimeException e) {
            String why = EtcdClient.describe(e);
            if (why.equals("etcdserver: can only promote a learner member")) {
                // Already a voter: an earlier attempt whose answer was lost, or an operator.
                return Outcome.PROMOTED;
            }
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                LOG.error("member {} ({}) is no longer in the cluster: {}; not promoting",
                        identity.name(), MemberIds.hex(identity.memberId()), why);
                return Outcome.GIVE_UP;
            }
            return new Outcome(why);
        } catch (ClientException e) {
            return new Outcome(e.getMessage());
        }
    }

    @Override
    public void close() {
        stopped.countDown();
    }
}
