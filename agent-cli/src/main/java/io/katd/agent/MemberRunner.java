package io.katd.agent;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a started member serving until the process is told to stop (SIGTERM or Ctrl-C,
 * through a shutdown hook that closes the member in order), or until its Raft node stops
 * on its own after a fatal error (for example a failed disk write), which ends the
 * process with status 1.
 */
final class MemberRunner {
    private static final Logger LOG = LoggerFactory.getLogger("katd");

    private MemberRunner() {}

    static int start(ClusterConfig config) throws Exception {
        return serve(Bootstrap.start(config));
    }

    static int serve(Member member) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            member.close();
            closed.countDown();
        }, "katd-shutdown"));
        while (!closed.await(200, TimeUnit.MILLISECONDS)) {
            if (!member.node().isRunning() && !member.isClosing()) {
                LOG.error("the Raft node of member {} stopped after a fatal error (logged"
                        + " above); it cannot trust its disk or state and exits",
                        member.identity().name());
                member.close();
                return Katd.FAILURE;
            }
        }
        return Katd.OK;
    }
}
