package io.katd.raft;

/** How the leader confirms that it is still the leader before serving a read. */
public enum ReadOnlyOption {
    /** Confirm with a heartbeat quorum for each batch of reads (thesis section 6.4). */
    SAFE,
    /**
     * Answer a read from the leader's own commit index while it holds a lease; requires
     * CheckQuorum.
     *
     * <p>The rule: every heartbeat carries the leader tick at which it was sent, and the
     * leader holds the lease at tick {@code now} when a quorum of voters (itself included,
     * in both halves of a joint configuration) acknowledged a heartbeat of its term sent at
     * a tick {@code t} with {@code now - t < electionTicks - leaseDriftMarginTicks}. The
     * bound holds because a follower ignores vote requests (CheckQuorum's leader
     * stickiness) for {@code electionTicks} of its own ticks after it received the
     * heartbeat, which is after {@code t}; so no quorum can elect a new leader while the
     * lease is held. The lease counts from the send, not from the ack's arrival, which
     * would add the round trip to it. A single voter always holds it. A leader that sent
     * MsgTimeoutNow in its term holds no lease for the rest of the term, since the
     * transferee's election overrides the followers' stickiness.
     *
     * <p>Without a lease the read is not dropped: it is confirmed by a heartbeat quorum as
     * with {@link #SAFE}, so it completes whenever a quorum answers.
     *
     * <p>Assumption: the leader's clock is not too slow against a follower's. A follower's
     * first tick after a heartbeat may come at once, so it may vote after only
     * {@code electionTicks - 1} of its tick periods; the lease lasts up to
     * {@code electionTicks - margin} of the leader's. So lease reads are safe while the
     * leader's tick period is at most {@code (electionTicks - 1) / (electionTicks -
     * margin)} times a follower's: one tick of the margin covers the tick phase, the rest
     * covers drift (with 10 election ticks and a margin of 2, a leader tick period up to
     * 12.5% longer, i.e. a leader clock up to 11% slow). A leader clock running fast only
     * shortens the lease. Beyond that bound a lease read may be stale.
     *
     * <p>A voter that restarts forgets when it last heard from the leader; so that it cannot
     * cut a lease short by voting at once, a node that starts from a disk that knew a term
     * ignores vote requests (as a follower in contact with a leader does) for its first
     * {@code electionTicks} ticks. A restarted voter's vote therefore counts one election
     * timeout later than under SAFE.
     */
    LEASE_BASED
}
