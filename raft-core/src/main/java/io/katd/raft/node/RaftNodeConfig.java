package io.katd.raft.node;

import io.katd.raft.Config;
import io.katd.raft.ReadOnlyOption;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;

/**
 * The parameters of a {@link RaftNode}. Times are {@link Duration}s at this edge and are
 * converted once into ticks of {@code tickInterval}; validated on construction, so an
 * invalid configuration cannot exist, and each error names the field and its value.
 *
 * @param id this node's id, never 0
 * @param tickInterval the length of one protocol tick
 * @param electionTimeout how long a follower waits without hearing from a leader before
 *     it campaigns (randomized up to twice that); a whole multiple of tickInterval
 * @param heartbeatInterval how often a leader sends heartbeats; a whole multiple of
 *     tickInterval and shorter than electionTimeout
 * @param requestTimeout how long a proposal, membership change or read may stay pending
 *     before it fails with {@link RequestTimeoutException}; at least tickInterval
 * @param preVote ask whether a campaign could win before raising the term
 * @param checkQuorum a leader that does not hear from a quorum for an election timeout
 *     steps down, and followers that hear from a leader ignore vote requests
 * @param readOnlyOption how reads are confirmed; LEASE_BASED requires checkQuorum and
 *     bounded clock drift
 * @param leaseDriftMargin with LEASE_BASED, how much shorter than electionTimeout the
 *     leader's lease is, to cover the tick phase and clock drift (see {@link
 *     ReadOnlyOption#LEASE_BASED}); a whole multiple of tickInterval, at least one tick and
 *     less than electionTimeout; null means the protocol's default of one tick plus a tenth
 *     of electionTimeout, rounded up to ticks
 * @param stepDownOnRemoval a leader removed from the configuration steps down
 * @param disableProposalForwarding followers drop proposals instead of forwarding them
 * @param snapshotThreshold after this many entries applied since the last snapshot, take
 *     a snapshot of the state machine and compact the log; 0 disables it
 * @param snapshotKeepEntries entries kept below a new snapshot for slow followers, which
 *     then catch up without a snapshot; less than snapshotThreshold
 * @param inboxCapacity requests and peer messages waiting for the raft thread; beyond it
 *     proposals fail at once and peer messages are dropped
 * @param maxMsgBytes most bytes of entries in one append message
 * @param maxInflightMsgs most append messages in flight to one follower
 * @param maxUncommittedBytes most payload bytes a leader holds uncommitted before it
 *     drops proposals; 0 means no limit
 * @param maxCommittedBytesPerReady most bytes of committed entries applied per cycle
 * @param random the source of randomized election timeouts and of this run's incarnation
 * @param clock the source of time for ticks
 * @param completionExecutor where futures complete and listeners run; null means a
 *     single thread owned by the node and stopped when it closes. It must run tasks on
 *     its own threads (never inline on the submitting thread, which is the raft thread),
 *     and in submission order if listeners must see changes in order
 */
public record RaftNodeConfig(
        long id,
        Duration tickInterval,
        Duration electionTimeout,
        Duration heartbeatInterval,
        Duration requestTimeout,
        boolean preVote,
        boolean checkQuorum,
        ReadOnlyOption readOnlyOption,
        Duration leaseDriftMargin,
        boolean stepDownOnRemoval,
        boolean disableProposalForwarding,
        long snapshotThreshold,
        long snapshotKeepEntries,
        int inboxCapacity,
        long maxMsgBytes,
        int maxInflightMsgs,
        long maxUncommittedBytes,
        long maxCommittedBytesPerReady,
        RandomGenerator random,
        MonotonicClock clock,
        Executor completionExecutor) {

    public RaftNodeConfig {
        require(id != 0, "id must not be 0");
        requireNonNull(tickInterval, "tickInterval");
        requireNonNull(electionTimeout, "electionTimeout");
        requireNonNull(heartbeatInterval, "heartbeatInterval");
        requireNonNull(requestTimeout, "requestTimeout");
        requireNonNull(readOnlyOption, "readOnlyOption");
        requireNonNull(random, "random");
        requireNonNull(clock, "clock");
        require(tickInterval.compareTo(Duration.ZERO) > 0,
                "tickInterval must be positive, was " + tickInterval);
        int electionTicks = ticks("electionTimeout", electionTimeout, tickInterval);
        int heartbeatTicks = ticks("heartbeatInterval", heartbeatInterval, tickInterval);
        require(electionTicks > heartbeatTicks, "electionTimeout (" + electionTimeout
                + ") must be greater than heartbeatInterval (" + heartbeatInterval + ")");
        require(requestTimeout.compareTo(tickInterval) >= 0, "requestTimeout ("
                + requestTimeout + ") must be at least tickInterval (" + tickInterval + ")");
        require(readOnlyOption != ReadOnlyOption.LEASE_BASED || checkQuorum,
                "readOnlyOption LEASE_BASED requires checkQuorum");
        if (leaseDriftMargin != null) {
            int marginTicks = ticks("leaseDriftMargin", leaseDriftMargin, tickInterval);
            require(marginTicks < electionTicks, "leaseDriftMargin (" + leaseDriftMargin
                    + ") must be less than electionTimeout (" + electionTimeout + ")");
        }
        require(snapshotThreshold >= 0,
                "snapshotThreshold must be >= 0, was " + snapshotThreshold);
        require(snapshotKeepEntries >= 0,
                "snapshotKeepEntries must be >= 0, was " + snapshotKeepEntries);
        require(snapshotThreshold == 0 || snapshotKeepEntries < snapshotThreshold,
                "snapshotKeepEntries (" + snapshotKeepEntries
                        + ") must be less than snapshotThreshold (" + snapshotThreshold + ")");
        require(inboxCapacity > 0, "inboxCapacity must be > 0, was " + inboxCapacity);
        require(maxMsgBytes >= 0, "maxMsgBytes must be >= 0, was " + maxMsgBytes);
        require(maxInflightMsgs > 0, "maxInflightMsgs must be > 0, was " + maxInflightMsgs);
        require(maxUncommittedBytes >= 0,
                "maxUncommittedBytes must be >= 0, was " + maxUncommittedBytes);
        require(maxCommittedBytesPerReady > 0,
                "maxCommittedBytesPerReady must be > 0, was " + maxCommittedBytesPerReady);
    }

    private static int ticks(String name, Duration d, Duration tick) {
        require(d.compareTo(tick) >= 0,
                name + " (" + d + ") must be at least tickInterval (" + tick + ")");
        long tickNanos = tick.toNanos();
        long nanos = d.toNanos();
        require(nanos % tickNanos == 0,
                name + " (" + d + ") must be a whole multiple of tickInterval (" + tick + ")");
        long n = nanos / tickNanos;
        require(n <= Integer.MAX_VALUE, name + " (" + d + ") is too many ticks of " + tick);
        return (int) n;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("invalid raft node config: " + message);
        }
    }

    private static void requireNonNull(Object value, String name) {
        require(value != null, name + " must not be null");
    }

    /** The election timeout in ticks. */
    int electionTicks() {
        return (int) (electionTimeout.toNanos() / tickInterval.toNanos());
    }

    /** The heartbeat interval in ticks. */
    int heartbeatTicks() {
        return (int) (heartbeatInterval.toNanos() / tickInterval.toNanos());
    }

    /** The request timeout in whole ticks, rounded up. */
    long requestTimeoutTicks() {
        long tick = tickInterval.toNanos();
        return (requestTimeout.toNanos() + tick - 1) / tick;
    }

    /** The protocol's configuration, for a node that has applied up to {@code applied}. */
    Config coreConfig(long applied, Logger logger) {
        Config.Builder b = Config.builder(id)
                .electionTicks(electionTicks())
                .heartbeatTicks(heartbeatTicks())
                .applied(applied)
                .maxMsgBytes(maxMsgBytes)
                .maxCommittedBytesPerReady(maxCommittedBytesPerReady)
                .maxUncommittedBytes(maxUncommittedBytes)
                .maxInflightMsgs(maxInflightMsgs)
                .checkQuorum(checkQuorum)
                .preVote(preVote)
                .readOnlyOption(readOnlyOption);
        if (leaseDriftMargin != null) {
            b.leaseDriftMarginTicks((int) (leaseDriftMargin.toNanos() / tickInterval.toNanos()));
        }
        return b.disableProposalForwarding(disableProposalForwarding)
                .stepDownOnRemoval(stepDownOnRemoval)
                .random(random)
                .logger(logger)
                .build();
    }

    public static Builder builder(long id) {
        return new Builder(id);
    }

    /**
     * Defaults: 100 ms ticks, 1 s election timeout, 100 ms heartbeats, 10 s request
     * timeout, PreVote and CheckQuorum on, safe reads, step down on removal, a snapshot
     * every 10,000 entries keeping 5,000, an inbox of 4,096, 1 MiB messages, 256 in flight.
     */
    public static final class Builder {
        private final long id;
        private Duration tickInterval = Duration.ofMillis(100);
        private Duration electionTimeout = Duration.ofSeconds(1);
        private Duration heartbeatInterval = Duration.ofMillis(100);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private boolean preVote = true;
        private boolean checkQuorum = true;
        private ReadOnlyOption readOnlyOption = ReadOnlyOption.SAFE;
        private Duration leaseDriftMargin;
        private boolean stepDownOnRemoval = true;
        private boolean disableProposalForwarding;
        private long snapshotThreshold = 10_000;
        private long snapshotKeepEntries = 5_000;
        private int inboxCapacity = 4_096;
        private long maxMsgBytes = 1 << 20;
        private int maxInflightMsgs = 256;
        private long maxUncommittedBytes;
        private long maxCommittedBytesPerReady = 64L << 20;
        private RandomGenerator random;
        private MonotonicClock clock = MonotonicClock.system();
        private Executor completionExecutor;

        private Builder(long id) {
            this.id = id;
        }

        public Builder tickInterval(Duration v) {
            tickInterval = v;
            return this;
        }

        public Builder electionTimeout(Duration v) {
            electionTimeout = v;
            return this;
        }

        public Builder heartbeatInterval(Duration v) {
            heartbeatInterval = v;
            return this;
        }

        public Builder requestTimeout(Duration v) {
            requestTimeout = v;
            return this;
        }

        public Builder preVote(boolean v) {
            preVote = v;
            return this;
        }

        public Builder checkQuorum(boolean v) {
            checkQuorum = v;
            return this;
        }

        public Builder readOnlyOption(ReadOnlyOption v) {
            readOnlyOption = v;
            return this;
        }

        /** With LEASE_BASED reads: see {@link RaftNodeConfig#leaseDriftMargin()}. */
        public Builder leaseDriftMargin(Duration v) {
            leaseDriftMargin = v;
            return this;
        }

        public Builder stepDownOnRemoval(boolean v) {
            stepDownOnRemoval = v;
            return this;
        }

        public Builder disableProposalForwarding(boolean v) {
            disableProposalForwarding = v;
            return this;
        }

        /** Snapshot every {@code threshold} applied entries, keeping {@code keep} below it. */
        public Builder snapshotEvery(long threshold, long keep) {
            snapshotThreshold = threshold;
            snapshotKeepEntries = keep;
            return this;
        }

        public Builder inboxCapacity(int v) {
            inboxCapacity = v;
            return this;
        }

        public Builder maxMsgBytes(long v) {
            maxMsgBytes = v;
            return this;
        }

        public Builder maxInflightMsgs(int v) {
            maxInflightMsgs = v;
            return this;
        }

        public Builder maxUncommittedBytes(long v) {
            maxUncommittedBytes = v;
            return this;
        }

        public Builder maxCommittedBytesPerReady(long v) {
            maxCommittedBytesPerReady = v;
            return this;
        }

        /** Seed it in tests; by default a generator seeded from the environment. */
        public Builder random(RandomGenerator v) {
            random = v;
            return this;
        }

        public Builder clock(MonotonicClock v) {
            clock = v;
            return this;
        }

        public Builder completionExecutor(Executor v) {
            completionExecutor = v;
            return this;
        }

        public RaftNodeConfig build() {
            RandomGenerator r = random != null ? random : new SplittableRandom();
            return new RaftNodeConfig(id, tickInterval, electionTimeout, heartbeatInterval,
                    requestTimeout, preVote, checkQuorum, readOnlyOption, leaseDriftMargin,
                    stepDownOnRemoval,
                    disableProposalForwarding, snapshotThreshold, snapshotKeepEntries,
                    inboxCapacity, maxMsgBytes, maxInflightMsgs, maxUncommittedBytes,
                    maxCommittedBytesPerReady, r, clock, completionExecutor);
        }
    }
}
