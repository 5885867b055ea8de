package io.katd.raft.tracker;

import io.katd.proto.raft.ConfState;
import io.katd.raft.quorum.VoteResult;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The leader's bookkeeping: the active configuration, a {@link Progress} per member,
 * and the votes of the current election. Iteration is always in ascending id order so
 * that what goes on the wire never depends on hash order.
 */
public final class ProgressTracker {
    private TrackerConfig config = TrackerConfig.empty();
    private TreeMap<Long, Progress> progress = new TreeMap<>();
    private final Map<Long, Boolean> votes = new HashMap<>();
    private final int inflightCountMax;
    private final long inflightBytesMax;

    public ProgressTracker(int inflightCountMax, long inflightBytesMax) {
        this.inflightCountMax = inflightCountMax;
        this.inflightBytesMax = inflightBytesMax;
    }

    /** An empty tracker with the same inflight limits as {@code template}. */
    public ProgressTracker(ProgressTracker template) {
        this(template.inflightCountMax, template.inflightBytesMax);
    }

    public TrackerConfig config() {
        return config;
    }

    /** Installs a configuration and its progress map, both built by the confchange code. */
    public void reset(TrackerConfig newConfig, Map<Long, Progress> newProgress) {
        this.config = newConfig;
        this.progress = new TreeMap<>(newProgress);
    }

    /** The live progress map, in ascending id order. */
    public Map<Long, Progress> progressMap() {
        return Collections.unmodifiableMap(progress);
    }

    public Progress progress(long id) {
        return progress.get(id);
    }

    public Inflights newInflights() {
        return new Inflights(inflightCountMax, inflightBytesMax);
    }

    /** Visits every member in ascending id order. */
    public void visit(BiConsumer<Long, Progress> visitor) {
        for (Map.Entry<Long, Progress> e : progress.entrySet()) {
            visitor.accept(e.getKey(), e.getValue());
        }
    }

    public ConfState confState() {
        return ConfState.newBuilder()
                .addAllVoters(config.voters().incoming().ids())
                .addAllVotersOutgoing(config.voters().outgoing().ids())
                .addAllLearners(config.learners())
                .addAllLearnersNext(config.learnersNext())
                .setAutoLeave(config.autoLeave())
                .build();
    }

    /** Whether this is a single voter with no outgoing half. */
    public boolean isSingleton() {
        return config.voters().incoming().size() == 1 && !config.voters().isJoint();
    }

    /** The largest index acknowledged by a quorum of the (joint) voters. */
    public long committed() {
        return config.voters().committedIndex(id -> {
            Progress pr = progress.get(id);
            return pr == null ? 0 : pr.match();
        });
    }

    /** Whether a quorum of voters was active since the last reset of recentActive. */
    public boolean quorumActive() {
        Map<Long, Boolean> active = new HashMap<>();
        visit((id, pr) -> {
            if (!pr.isLearner()) {
                active.put(id, pr.recentActive());
            }
        });
        return config.voters().voteResult(active) == VoteResult.WON;
    }

    public List<Long> voterNodes() {
        return List.copyOf(config.voters().ids());
    }

    public List<Long> learnerNodes() {
        return List.copyOf(new TreeSet<>(config.learners()));
    }

    public void resetVotes() {
        votes.clear();
    }

    /** Records a vote; only the first vote from each node counts. */
    public void recordVote(long id, boolean granted) {
        votes.putIfAbsent(id, granted);
    }

    public record Tally(int granted, int rejected, VoteResult result) {}

    public Tally tallyVotes() {
        int granted = 0;
        int rejected = 0;
        for (Map.Entry<Long, Progress> e : progress.entrySet()) {
            if (e.getValue().isLearner()) {
                continue;
            }
            Boolean v = votes.get(e.getKey());
            if (v == null) {
                continue;
            }
            if (v) {
                granted++;
            } else {
                rejected++;
            }
        }
        return new Tally(granted, rejected, config.voters().voteResult(votes));
    }
}
