package io.katd.agent;

import io.katd.kv.RaftStateStore;
import io.katd.kv.etcd.MemberRecords;
import io.katd.kv.sm.KvStateMachine;
import io.katd.proto.member.MemberRecord;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this member's record (name, peer and client URLs) through the log until the
 * applied record reads as it should, as etcd members publish their attributes after they
 * start: founding members, a member added by MemberAdd (whose record has no name yet) and
 * a member restarted with new client URLs all end up listed as they run. Retries every
 * second while there is no leader to take the write.
 */
final class MemberAnnouncement implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("katd.members");
    private static final long RETRY_MILLIS = 1000;

    private final String who;
    private final MemberRecord wanted;
    private final KvStateMachine stateMachine;
    private final RaftStateStore store;
    private final ScheduledExecutorService scheduler;
    private ScheduledFuture<?> task;
    private boolean inFlight;

    MemberAnnouncement(String who, MemberRecord wanted, KvStateMachine stateMachine,
            RaftStateStore store, ScheduledExecutorService scheduler) {
        this.who = who;
        this.wanted = wanted;
        this.stateMachine = stateMachine;
        this.store = store;
        this.scheduler = scheduler;
    }

    synchronized void start() {
        task = scheduler.scheduleWithFixedDelay(this::attempt, 0, RETRY_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** Whether the applied record of this member reads as wanted. */
    boolean published() {
        Optional<MemberRecord> current = MemberRecords.local(stateMachine, wanted.getId());
        return current.isPresent() && current.get().equals(wanted);
    }

    private synchronized void attempt() {
        if (task == null || inFlight) {
            return;
        }
        if (published()) {
            task.cancel(false);
            task = null;
            return;
        }
        inFlight = true;
        store.put(MemberRecords.key(wanted.getId()), wanted.toByteString())
                .whenComplete((revision, failure) -> {
                    synchronized (this) {
                        inFlight = false;
                    }
                    if (failure == null) {
                        LOG.info("{} published its member record at revision {}: peer URLs {},"
                                + " client URLs {}", who, revision, wanted.getPeerUrlsList(),
                                wanted.getClientUrlsList());
                    } else {
                        LOG.debug("{} could not publish its member record yet: {}", who,
                                failure.toString());
                    }
                });
    }

    @Override
    public synchronized void close() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }
}
