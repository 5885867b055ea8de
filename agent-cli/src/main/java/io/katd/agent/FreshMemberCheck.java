package io.katd.agent;

import io.katd.kv.KV;
import io.katd.kv.RaftStateStore;
import io.katd.kv.ReadConsistency;
import io.katd.kv.etcd.MemberRecords;
import io.katd.proto.member.MemberRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a member created just now by static bootstrap is really new, or an old member
 * whose data directory was wiped and which was started again with its original command
 * line. The two look alike from the inside: an empty directory and {@code --initial-cluster}.
 * The cluster tells them apart: a member's record is published only by the member itself
 * once it runs, so a record of this member id that is already in the cluster when the new
 * directory first asks (a linearizable read, before this member publishes anything) was
 * published by an earlier life of the member, whose acknowledged entries and votes this
 * directory no longer holds. Such a member must not serve as a blank voter.
 *
 * <p>Static bootstrap writes {@link #MARKER} before anything else; the marker stays until
 * the check passes, so a check cut short by a crash runs again on the next start, and a
 * refused member is refused again on every start.
 */
final class FreshMemberCheck implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("katd.bootstrap");
    static final String MARKER = ".unverified";
    private static final long RETRY_MILLIS = 500;

    private final MemberIdentity identity;
    private final Path dataDir;
    private final RaftStateStore store;
    private final ScheduledExecutorService scheduler;
    private final Runnable onPassed;
    private ScheduledFuture<?> task;
    private boolean inFlight;
    private volatile String refusal;

    FreshMemberCheck(MemberIdentity identity, Path dataDir, RaftStateStore store,
            ScheduledExecutorService scheduler, Runnable onPassed) {
        this.identity = identity;
        this.dataDir = dataDir;
        this.store = store;
        this.scheduler = scheduler;
        this.onPassed = onPassed;
    }

    /** Marks {@code dataDir} as holding a member created just now, not yet checked. */
    static void mark(Path dataDir) throws IOException {
        AtomicFiles.write(dataDir.resolve(MARKER), ("created by static bootstrap; removed once"
                + " the cluster confirmed this member never ran before\n").getBytes(
                        java.nio.charset.StandardCharsets.UTF_8));
    }

    static boolean pending(Path dataDir) {
        return Files.exists(dataDir.resolve(MARKER));
    }

    /** Why this member must not serve, once the check found out; null until then. */
    String refusal() {
        return refusal;
    }

    synchronized void start() {
        task = scheduler.scheduleWithFixedDelay(this::attempt, 0, RETRY_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    private synchronized void attempt() {
        if (task == null || inFlight) {
            return;
        }
        inFlight = true;
        store.get(MemberRecords.key(identity.memberId()), ReadConsistency.LINEARIZABLE)
                .whenComplete((kv, failure) -> {
                    synchronized (this) {
                        inFlight = false;
                        if (task == null) {
                            return;
                        }
                        if (failure != null) {
                            LOG.debug("member {} cannot ask the cluster about itself yet: {}",
                                    identity.name(), failure.toString());
                            return;
                        }
                        task.cancel(false);
                        task = null;
                    }
                    decide(kv);
                });
    }

    private void decide(Optional<KV> kv) {
        Optional<String> earlier = kv.flatMap(FreshMemberCheck::publishedName);
        if (earlier.isPresent()) {
            refusal = wipedMessage(identity, dataDir, "the cluster already lists it as started"
                    + " (its member record names " + Cidrs.quote(earlier.get()) + ")");
            LOG.error(refusal);
            return;
        }
        try {
            Files.deleteIfExists(dataDir.resolve(MARKER));
            AtomicFiles.syncDirectory(dataDir);
        } catch (IOException e) {
            refusal = "member " + identity.name() + " cannot clear " + dataDir.resolve(MARKER)
                    + ": " + e.getMessage();
            LOG.error(refusal);
            return;
        }
        LOG.info("member {} ({}) is new to the cluster: no earlier life of it is listed",
                identity.name(), MemberIds.hex(identity.memberId()));
        onPassed.run();
    }

    private static Optional<String> publishedName(KV kv) {
        try {
            String name = MemberRecord.parseFrom(kv.value()).getName();
            return name.isEmpty() ? Optional.empty() : Optional.of(name);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return Optional.of("(unreadable record)");
        }
    }

    /**
     * What an operator reads when a member created just now from an empty data directory
     * turns out to have lived before: what happened, why it is refused, and how to bring
     * the node back.
     */
    static String wipedMessage(MemberIdentity identity, Path dataDir, String evidence) {
        return "member " + identity.name() + " (" + MemberIds.hex(identity.memberId())
                + ") refuses to serve: its data directory " + dataDir.toAbsolutePath()
                + " was created empty by this start (static bootstrap from --initial-cluster),"
                + " but " + evidence + ": the member ran before and its data directory was"
                + " wiped or replaced. A member that forgot the entries it acknowledged and the"
                + " votes it cast must not rejoin as a blank voter. To bring this node back:"
                + " remove the member (katd ctl --endpoints <live members> member remove "
                + MemberIds.hex(identity.memberId()) + "), clear " + dataDir.toAbsolutePath()
                + ", and add it again with katd join --peers <live members> --data-dir "
                + dataDir + ".";
    }

    @Override
    public synchronized void close() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }
}
