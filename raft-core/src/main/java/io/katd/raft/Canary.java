package io.katd.raft;

/**
 * Planted protocol bugs for VERIFY.md section 4 (items 4 and 5), which the simulation harness
 * must catch. Only tests set anything but {@link #NONE}, through the package-private
 * {@code RawNode.plantCanary}; production code has no way to them.
 */
enum Canary {
    NONE,
    /** Item 4: entries of a previous term committed by counting replicas (figure 8). */
    COMMIT_PREVIOUS_TERM_BY_COUNTING,
    /** Item 5: a follower truncates its log at the first appended entry even if it matches. */
    TRUNCATE_MATCHING_ENTRIES
}
