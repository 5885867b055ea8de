package io.katd.raft.quorum;

/** Tells how far each voter has acknowledged the log. */
@FunctionalInterface
public interface AckedIndexer {
    /** The highest index the voter has acknowledged, or 0 when it has acknowledged nothing. */
    long ackedIndex(long voterId);
}
