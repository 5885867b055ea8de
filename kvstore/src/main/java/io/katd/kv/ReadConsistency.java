package io.katd.kv;

/** How fresh a read must be. */
public enum ReadConsistency {
    /** Reflects every write that completed before the read started (ReadIndex first). */
    LINEARIZABLE,
    /** This node's applied state, possibly behind the cluster; no round trip. */
    SERIALIZABLE
}
