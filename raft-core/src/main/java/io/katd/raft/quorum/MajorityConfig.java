package io.katd.raft.quorum;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A set of voters decided by simple majority. Pure arithmetic: no state beyond the ids.
 *
 * <p>Conventions, chosen so that a joint configuration with an empty half behaves like
 * its other half: an empty configuration wins every election and has committed
 * everything ({@link Long#MAX_VALUE}).
 */
public final class MajorityConfig {
    private static final MajorityConfig EMPTY = new MajorityConfig(Set.of());

    // Sorted, so iteration order (and thus everything derived from it) is stable.
    private final TreeSet<Long> ids;

    public MajorityConfig(Set<Long> ids) {
        this.ids = new TreeSet<>(ids);
        for (long id : this.ids) {
            if (id == 0) {
                throw new IllegalArgumentException("voter id must not be 0: " + ids);
            }
        }
    }

    public static MajorityConfig empty() {
        return EMPTY;
    }

    public static MajorityConfig of(long... ids) {
        TreeSet<Long> set = new TreeSet<>();
        for (long id : ids) {
            set.add(id);
        }
        return new MajorityConfig(set);
    }

    /** The voter ids in ascending order. */
    public Set<Long> ids() {
        return Collections.unmodifiableSet(ids);
    }

    public boolean contains(long id) {
        return ids.contains(id);
    }

    public int size() {
        return ids.size();
    }

    public boolean isEmpty() {
        return ids.isEmpty();
    }

    /** The size of a majority of this configuration. */
    public int quorum() {
        return ids.size() / 2 + 1;
    }

    /**
     * The largest index acknowledged by a majority: sort the acknowledged indexes in
     * descending order and take the one at position quorum - 1.
     */
    public long committedIndex(AckedIndexer acked) {
        if (ids.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long[] indexes = new long[ids.size()];
        int i = 0;
        for (long id : ids) {
            indexes[i++] = acked.ackedIndex(id);
        }
        Arrays.sort(indexes);
        // Ascending order: the quorum-th largest sits at n - quorum.
        return indexes[indexes.length - quorum()];
    }

    /** Counts the votes cast so far; voters missing from {@code votes} have not voted. */
    public VoteResult voteResult(Map<Long, Boolean> votes) {
        if (ids.isEmpty()) {
            return VoteResult.WON;
        }
        int granted = 0;
        int missing = 0;
        for (long id : ids) {
            Boolean vote = votes.get(id);
            if (vote == null) {
                missing++;
            } else if (vote) {
                granted++;
            }
        }
        int q = quorum();
        if (granted >= q) {
            return VoteResult.WON;
        }
        if (granted + missing >= q) {
            return VoteResult.PENDING;
        }
        return VoteResult.LOST;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MajorityConfig other && ids.equals(other.ids);
    }

    @Override
    public int hashCode() {
        return ids.hashCode();
    }

    /** Ids in parentheses separated by spaces, e.g. {@code (1 2 3)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (long id : ids) {
            if (sb.length() > 1) {
                sb.append(' ');
            }
            sb.append(id);
        }
        return sb.append(')').toString();
    }
}
