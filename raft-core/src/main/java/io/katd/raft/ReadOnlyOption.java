package io.katd.raft;

/** How the leader confirms that it is still the leader before serving a read. */
public enum ReadOnlyOption {
    /** Confirm with a heartbeat quorum for each batch of reads (thesis section 6.4). */
    SAFE,
    /**
     * Rely on the leader lease: safe only under bounded clock drift, and only with
     * CheckQuorum, which makes a leader that lost its quorum step down.
     */
    LEASE_BASED
}
