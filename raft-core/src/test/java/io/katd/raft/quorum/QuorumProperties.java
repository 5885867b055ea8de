package io.katd.raft.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The quorum arithmetic checked against a brute-force model that follows the definitions
 * directly: an index is committed when a majority acknowledged at least it, and an
 * election is decided when every possible outcome of the missing votes agrees.
 */
class QuorumProperties {
    // A small id universe, so that configurations overlap and votes hit voters often.
    private static final long ID_MAX = 10;
    private static final long INDEX_MAX = 12;

    @Provide
    Arbitrary<Set<Long>> config() {
        return Arbitraries.longs().between(1, ID_MAX).set().ofMinSize(0).ofMaxSize(7);
    }

    @Provide
    Arbitrary<Map<Long, Long>> acks() {
        return Arbitraries.maps(Arbitraries.longs().between(1, ID_MAX),
                Arbitraries.longs().between(0, INDEX_MAX)).ofMaxSize((int) ID_MAX);
    }

    @Provide
    Arbitrary<Map<Long, Boolean>> votes() {
        return Arbitraries.maps(Arbitraries.longs().between(1, ID_MAX),
                Arbitraries.of(true, false)).ofMaxSize((int) ID_MAX);
    }

    @Property(tries = 1000, seed = "4511")
    void majorityCommittedIndexMatchesModel(@ForAll("config") Set<Long> ids,
            @ForAll("acks") Map<Long, Long> acks) {
        long actual = new MajorityConfig(ids).committedIndex(id -> acks.getOrDefault(id, 0L));
        assertThat(actual).isEqualTo(modelCommitted(List.of(ids), acks));
    }

    @Property(tries = 1000, seed = "4512")
    void jointCommittedIndexMatchesModel(@ForAll("config") Set<Long> incoming,
            @ForAll("config") Set<Long> outgoing, @ForAll("acks") Map<Long, Long> acks) {
        JointConfig joint = new JointConfig(new MajorityConfig(incoming),
                new MajorityConfig(outgoing));
        long actual = joint.committedIndex(id -> acks.getOrDefault(id, 0L));
        assertThat(actual).isEqualTo(modelCommitted(List.of(incoming, outgoing), acks));
    }

    @Property(tries = 1000, seed = "4513")
    void majorityVoteResultMatchesModel(@ForAll("config") Set<Long> ids,
            @ForAll("votes") Map<Long, Boolean> votes) {
        VoteResult actual = new MajorityConfig(ids).voteResult(votes);
        assertThat(actual).isEqualTo(modelVoteResult(List.of(ids), votes));
        collectAndRequireEveryOutcome(actual);
    }

    @Property(tries = 1000, seed = "4514")
    void jointVoteResultMatchesModel(@ForAll("config") Set<Long> incoming,
            @ForAll("config") Set<Long> outgoing, @ForAll("votes") Map<Long, Boolean> votes) {
        JointConfig joint = new JointConfig(new MajorityConfig(incoming),
                new MajorityConfig(outgoing));
        VoteResult actual = joint.voteResult(votes);
        assertThat(actual).isEqualTo(modelVoteResult(List.of(incoming, outgoing), votes));
        collectAndRequireEveryOutcome(actual);
    }

    @Property(tries = 1000, seed = "4515")
    void jointWithEmptyOutgoingHalfIsItsIncomingHalf(@ForAll("config") Set<Long> ids,
            @ForAll("acks") Map<Long, Long> acks, @ForAll("votes") Map<Long, Boolean> votes) {
        MajorityConfig majority = new MajorityConfig(ids);
        JointConfig joint = JointConfig.of(majority);
        assertThat(joint.isJoint()).isFalse();
        assertThat(joint.committedIndex(id -> acks.getOrDefault(id, 0L)))
                .isEqualTo(majority.committedIndex(id -> acks.getOrDefault(id, 0L)));
        assertThat(joint.voteResult(votes)).isEqualTo(majority.voteResult(votes));
    }

    /** Without this, a generator that never produced a decided election would pass. */
    private static void collectAndRequireEveryOutcome(VoteResult result) {
        Statistics.collect(result);
        Statistics.coverage(c -> {
            for (VoteResult r : VoteResult.values()) {
                c.check(r).percentage(p -> p > 5);
            }
        });
    }

    /**
     * Whether a majority of every half acknowledged {@code index}; an empty half agrees
     * with everything.
     */
    private static boolean committedInAll(List<Set<Long>> halves, Map<Long, Long> acks,
            long index) {
        for (Set<Long> half : halves) {
            long acked = half.stream().filter(id -> acks.getOrDefault(id, 0L) >= index).count();
            if (!half.isEmpty() && acked * 2 <= half.size()) {
                return false;
            }
        }
        return true;
    }

    private static long modelCommitted(List<Set<Long>> halves, Map<Long, Long> acks) {
        // The answer is 0, an acknowledged index, or "everything" for empty halves.
        TreeSet<Long> candidates = new TreeSet<>(acks.values());
        candidates.add(0L);
        candidates.add(Long.MAX_VALUE);
        for (long index : candidates.descendingSet()) {
            if (committedInAll(halves, acks, index)) {
                return index;
            }
        }
        throw new AssertionError("index 0 is always committed");
    }

    private static boolean wonInAll(List<Set<Long>> halves, Map<Long, Boolean> complete) {
        for (Set<Long> half : halves) {
            long granted = half.stream().filter(complete::get).count();
            if (!half.isEmpty() && granted * 2 <= half.size()) {
                return false;
            }
        }
        return true;
    }

    private static VoteResult modelVoteResult(List<Set<Long>> halves,
            Map<Long, Boolean> votes) {
        TreeSet<Long> voters = new TreeSet<>();
        halves.forEach(voters::addAll);
        List<Long> missing = new ArrayList<>();
        for (long id : voters) {
            if (!votes.containsKey(id)) {
                missing.add(id);
            }
        }
        boolean someWin = false;
        boolean someLoss = false;
        // Every way the missing voters could still vote.
        for (int mask = 0; mask < (1 << missing.size()); mask++) {
            Map<Long, Boolean> complete = new HashMap<>(votes);
            for (int i = 0; i < missing.size(); i++) {
                complete.put(missing.get(i), (mask & (1 << i)) != 0);
            }
            if (wonInAll(halves, complete)) {
                someWin = true;
            } else {
                someLoss = true;
            }
        }
        if (!someLoss) {
            return VoteResult.WON;
        }
        return someWin ? VoteResult.PENDING : VoteResult.LOST;
    }
}
