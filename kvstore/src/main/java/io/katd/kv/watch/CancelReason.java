package io.katd.kv.watch;

/** Why a watch ended. A cancelled watch receives nothing after its CANCELED response. */
public enum CancelReason {
    /** The client cancelled it; responses not yet delivered were dropped. */
    CLIENT,
    /**
     * The history it needed was compacted: its start revision, or the revision it was catching
     * up from after falling behind, is at or below the compacted revision. The response carries
     * the compacted revision; the oldest revision a new watch can start from is one above it.
     */
    COMPACTED,
    /** Its listener threw; the listener is not called again. */
    LISTENER_FAILED,
    /** The hub was closed. */
    HUB_CLOSED
}
