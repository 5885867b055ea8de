package io.katd.raft;

import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parameters of one Raft node. Validated on construction, so an invalid Config
 * cannot exist; each error names the field and its value.
 *
 * @param id this node's id, never 0
 * @param electionTicks ticks a follower waits without hearing from a leader before it
 *     campaigns; the actual timeout is drawn from [electionTicks, 2 * electionTicks)
 * @param heartbeatTicks ticks between a leader's heartbeats; less than electionTicks
 * @param applied the index the state machine has already applied, on restart; entries
 *     up to it are not delivered again
 * @param maxMsgBytes most bytes of entries in one MsgApp; 0 sends one entry per message
 * @param maxCommittedBytesPerReady most bytes of committed entries in one Ready
 * @param maxUncommittedBytes most payload bytes the leader holds uncommitted before it
 *     drops proposals; 0 means no limit
 * @param maxInflightMsgs most MsgApps in flight to one follower in replicate state
 * @param maxInflightBytes most payload bytes in flight to one follower; 0 means no limit
 * @param checkQuorum a leader steps down when a quorum was not active for an election
 *     timeout; followers that heard from a leader recently ignore vote requests
 * @param preVote a node asks whether it could win before raising its term
 * @param readOnlyOption how reads are confirmed; LEASE_BASED requires checkQuorum
 * @param leaseDriftMarginTicks with LEASE_BASED, how many ticks the leader's lease falls
 *     short of an election timeout; in [1, electionTicks). One tick absorbs the phase
 *     difference between the leader's and a follower's ticks, the rest absorbs drift
 *     (see {@link ReadOnlyOption#LEASE_BASED}). The builder's default is
 *     {@link #defaultLeaseDriftMarginTicks}
 * @param disableProposalForwarding followers drop proposals instead of forwarding them
 * @param stepDownOnRemoval a leader removed from the configuration steps down
 * @param random the source of randomized election timeouts; seed it for determinism
 * @param logger where the node logs its transitions
 */
public record Config(
        long id,
        int electionTicks,
        int heartbeatTicks,
        long applied,
        long maxMsgBytes,
        long maxCommittedBytesPerReady,
        long maxUncommittedBytes,
        int maxInflightMsgs,
        long maxInflightBytes,
        boolean checkQuorum,
        boolean preVote,
        ReadOnlyOption readOnlyOption,
        int leaseDriftMarginTicks,
        boolean disableProposalForwarding,
        boolean stepDownOnRemoval,
        RandomGenerator random,
        Logger logger) {

    public Config {
        require(id != 0, "id must not be 0");
        require(heartbeatTicks > 0, "heartbeatTicks must be > 0, was " + heartbeatTicks);
        require(electionTicks > heartbeatTicks, "electionTicks (" + electionTicks
                + ") must be greater than heartbeatTicks (" + heartbeatTicks + ")");
        require(applied >= 0, "applied must be >= 0, was " + applied);
        require(maxMsgBytes >= 0, "maxMsgBytes must be >= 0, was " + maxMsgBytes);
        require(maxCommittedBytesPerReady >= 0,
                "maxCommittedBytesPerReady must be >= 0, was " + maxCommittedBytesPerReady);
        require(maxUncommittedBytes >= 0,
                "maxUncommittedBytes must be >= 0, was " + maxUncommittedBytes);
        require(maxInflightMsgs > 0, "maxInflightMsgs must be > 0, was " + maxInflightMsgs);
        require(maxInflightBytes >= 0, "maxInflightBytes must be >= 0, was " + maxInflightBytes);
        require(maxInflightBytes == 0 || maxInflightBytes >= maxMsgBytes,
                "maxInflightBytes (" + maxInflightBytes + ") must be >= maxMsgBytes ("
                        + maxMsgBytes + ")");
        require(readOnlyOption != null, "readOnlyOption must not be null");
        require(readOnlyOption != ReadOnlyOption.LEASE_BASED || checkQuorum,
                "readOnlyOption LEASE_BASED requires checkQuorum");
        // A margin of electionTicks or more would leave a lease of no length at all, and
        // one of 0 would be unsafe even with perfect clocks: a follower's first tick after
        // the heartbeat may come at once, so it may vote after only electionTicks - 1 of
        // the leader's tick periods.
        require(leaseDriftMarginTicks >= 1 && leaseDriftMarginTicks < electionTicks,
                "leaseDriftMarginTicks must be in [1, electionTicks (" + electionTicks
                        + ")), was " + leaseDriftMarginTicks);
        require(random != null, "random must not be null");
        require(logger != null, "logger must not be null");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("invalid raft config: " + message);
        }
    }

    /**
     * The default lease drift margin: one tick for the tick phase plus a tenth of the
     * election timeout (rounded up) for rate drift, so a leader clock up to about 10%
     * slower than its followers' still reads safely; capped to leave a lease of one tick.
     */
    public static int defaultLeaseDriftMarginTicks(int electionTicks) {
        return Math.max(1, Math.min(electionTicks - 1, 1 + (electionTicks + 9) / 10));
    }

    /** The uncommitted-size limit with 0 read as "no limit". */
    long uncommittedBytesLimit() {
        return maxUncommittedBytes == 0 ? Long.MAX_VALUE : maxUncommittedBytes;
    }

    public static Builder builder(long id) {
        return new Builder(id);
    }

    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.electionTicks = electionTicks;
        b.heartbeatTicks = heartbeatTicks;
        b.applied = applied;
        b.maxMsgBytes = maxMsgBytes;
        b.maxCommittedBytesPerReady = maxCommittedBytesPerReady;
        b.maxUncommittedBytes = maxUncommittedBytes;
        b.maxInflightMsgs = maxInflightMsgs;
        b.maxInflightBytes = maxInflightBytes;
        b.checkQuorum = checkQuorum;
        b.preVote = preVote;
        b.readOnlyOption = readOnlyOption;
        b.leaseDriftMarginTicks = leaseDriftMarginTicks;
        b.disableProposalForwarding = disableProposalForwarding;
        b.stepDownOnRemoval = stepDownOnRemoval;
        b.random = random;
        b.logger = logger;
        return b;
    }

    /** Defaults: 10 election ticks, 1 heartbeat tick, 1 MiB messages, 256 in flight. */
    public static final class Builder {
        private final long id;
        private int electionTicks = 10;
        private int heartbeatTicks = 1;
        private long applied;
        private long maxMsgBytes = 1 << 20;
        private long maxCommittedBytesPerReady = 64L << 20;
        private long maxUncommittedBytes;
        private int maxInflightMsgs = 256;
        private long maxInflightBytes;
        private boolean checkQuorum;
        private boolean preVote;
        private ReadOnlyOption readOnlyOption = ReadOnlyOption.SAFE;
        // Negative: derive the default from electionTicks at build time, so that setting
        // electionTicks alone scales the margin with it.
        private int leaseDriftMarginTicks = -1;
        private boolean disableProposalForwarding;
        private boolean stepDownOnRemoval;
        private RandomGenerator random;
        private Logger logger = LoggerFactory.getLogger(RawNode.class);

        private Builder(long id) {
            this.id = id;
        }

        public Builder electionTicks(int v) {
            electionTicks = v;
            return this;
        }

        public Builder heartbeatTicks(int v) {
            heartbeatTicks = v;
            return this;
        }

        public Builder applied(long v) {
            applied = v;
            return this;
        }

        public Builder maxMsgBytes(long v) {
            maxMsgBytes = v;
            return this;
        }

        public Builder maxCommittedBytesPerReady(long v) {
            maxCommittedBytesPerReady = v;
            return this;
        }

        public Builder maxUncommittedBytes(long v) {
            maxUncommittedBytes = v;
            return this;
        }

        public Builder maxInflightMsgs(int v) {
            maxInflightMsgs = v;
            return this;
        }

        public Builder maxInflightBytes(long v) {
            maxInflightBytes = v;
            return this;
        }

        public Builder checkQuorum(boolean v) {
            checkQuorum = v;
            return this;
        }

        public Builder preVote(boolean v) {
            preVote = v;
            return this;
        }

        public Builder readOnlyOption(ReadOnlyOption v) {
            readOnlyOption = v;
            return this;
        }

        public Builder leaseDriftMarginTicks(int v) {
            if (v < 0) {
                // Negative is the builder's "derive it" marker: reject it here too, or an
                // invalid value would silently become the default.
                throw new IllegalArgumentException(
                        "invalid raft config: leaseDriftMarginTicks must be >= 0, was " + v);
            }
            leaseDriftMarginTicks = v;
            return this;
        }

        public Builder disableProposalForwarding(boolean v) {
            disableProposalForwarding = v;
            return this;
        }

        public Builder stepDownOnRemoval(boolean v) {
            stepDownOnRemoval = v;
            return this;
        }

        /** Required: there is no ambient randomness in the protocol. */
        public Builder random(RandomGenerator v) {
            random = v;
            return this;
        }

        public Builder logger(Logger v) {
            logger = v;
            return this;
        }

        public Config build() {
            return new Config(id, electionTicks, heartbeatTicks, applied, maxMsgBytes,
                    maxCommittedBytesPerReady, maxUncommittedBytes, maxInflightMsgs,
                    maxInflightBytes, checkQuorum, preVote, readOnlyOption,
                    leaseDriftMarginTicks >= 0 ? leaseDriftMarginTicks
                            : defaultLeaseDriftMarginTicks(electionTicks),
                    disableProposalForwarding, stepDownOnRemoval, random, logger);
        }
    }
}
