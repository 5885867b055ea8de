package io.katd.raft.confchange;

import io.katd.proto.raft.ConfChangeSingle;
import io.katd.raft.quorum.JointConfig;
import io.katd.raft.quorum.MajorityConfig;
import io.katd.raft.tracker.Progress;
import io.katd.raft.tracker.ProgressTracker;
import io.katd.raft.tracker.TrackerConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes the configuration that results from a membership change, validate-then-copy:
 * it works on copies and never touches the live tracker, so a rejected change leaves no
 * trace. Joint consensus follows the Raft thesis, section 4.3: enter a joint
 * configuration in which both the old and the new voters must agree, then leave it.
 */
public final class Changer {
    private final ProgressTracker tracker;
    private final long lastIndex;

    /** @param lastIndex the leader's last index, where new members start probing */
    public Changer(ProgressTracker tracker, long lastIndex) {
        this.tracker = tracker;
        this.lastIndex = lastIndex;
    }

    /** The new configuration and progress map, ready for {@link ProgressTracker#reset}. */
    public record Result(TrackerConfig config, Map<Long, Progress> progress) {}

    /**
     * Enters a joint configuration: the current voters become the outgoing half and the
     * changes apply to the incoming half.
     */
    public Result enterJoint(boolean autoLeave, List<ConfChangeSingle> changes) {
        Working w = new Working(tracker);
        if (!w.outgoing.isEmpty()) {
            throw new ConfChangeException("configuration is already joint");
        }
        if (w.incoming.isEmpty()) {
            throw new ConfChangeException("cannot make a zero-voter configuration joint");
        }
        w.outgoing.addAll(w.incoming);
        w.apply(changes);
        w.autoLeave = autoLeave;
        return w.result();
    }

    /**
     * Leaves the joint configuration: the outgoing half is dropped, members that were
     * only in it are removed, and learnersNext become learners.
     */
    public Result leaveJoint() {
        Working w = new Working(tracker);
        if (w.outgoing.isEmpty()) {
            throw new ConfChangeException("cannot leave a non-joint configuration");
        }
        for (long id : w.learnersNext) {
            w.learners.add(id);
            w.progress.get(id).setLearner(true);
        }
        w.learnersNext.clear();
        for (long id : w.outgoing) {
            if (!w.incoming.contains(id) && !w.learners.contains(id)) {
                w.progress.remove(id);
            }
        }
        w.outgoing.clear();
        w.autoLeave = false;
        return w.result();
    }

    /**
     * Applies changes that alter at most one voter directly, without a joint
     * configuration: any two majorities of configurations differing by one voter
     * intersect, so this is safe.
     */
    public Result simple(List<ConfChangeSingle> changes) {
        Working w = new Working(tracker);
        if (!w.outgoing.isEmpty()) {
            throw new ConfChangeException("cannot apply a simple change in a joint configuration");
        }
        TreeSet<Long> before = new TreeSet<>(w.incoming);
        w.apply(changes);
        int changed = 0;
        for (long id : before) {
            if (!w.incoming.contains(id)) {
                changed++;
            }
        }
        for (long id : w.incoming) {
            if (!before.contains(id)) {
                changed++;
            }
        }
        if (changed > 1) {
            throw new ConfChangeException(
                    "more than one voter changed without entering a joint configuration");
        }
        return w.result();
    }

    /** Mutable copies of the configuration, discarded unless the change validates. */
    private final class Working {
        final TreeSet<Long> incoming;
        final TreeSet<Long> outgoing;
        final TreeSet<Long> learners;
        final TreeSet<Long> learnersNext;
        boolean autoLeave;
        final TreeMap<Long, Progress> progress = new TreeMap<>();

        Working(ProgressTracker tracker) {
            TrackerConfig c = tracker.config();
            incoming = new TreeSet<>(c.voters().incoming().ids());
            outgoing = new TreeSet<>(c.voters().outgoing().ids());
            learners = new TreeSet<>(c.learners());
            learnersNext = new TreeSet<>(c.learnersNext());
            autoLeave = c.autoLeave();
            tracker.visit((id, pr) -> progress.put(id, pr.copy()));
        }

        void apply(List<ConfChangeSingle> changes) {
            for (ConfChangeSingle cc : changes) {
                long id = cc.getNodeId();
                if (id == 0) {
                    // A change of node 0 is how callers propose an empty change.
                    continue;
                }
                switch (cc.getType()) {
                    case ConfChangeAddNode -> makeVoter(id);
                    case ConfChangeAddLearnerNode -> makeLearner(id);
                    case ConfChangeRemoveNode -> remove(id);
                    case ConfChangeUpdateNode -> { }
                    case UNRECOGNIZED -> throw new ConfChangeException(
                            "unknown conf change type for node " + id);
                }
            }
            if (incoming.isEmpty()) {
                throw new ConfChangeException("removed all voters");
            }
        }

        private void makeVoter(long id) {
            Progress pr = progress.get(id);
            if (pr == null) {
                initProgress(id, false);
                return;
            }
            pr.setLearner(false);
            learners.remove(id);
            learnersNext.remove(id);
            incoming.add(id);
        }

        private void makeLearner(long id) {
            Progress pr = progress.get(id);
            if (pr == null) {
                initProgress(id, true);
                return;
            }
            if (pr.isLearner()) {
                return;
            }
            remove(id);
            // remove() drops the progress unless the node is an outgoing voter; keep it.
            progress.put(id, pr);
            if (outgoing.contains(id)) {
                // Still a voter of the outgoing half: it becomes a learner on leaving.
                learnersNext.add(id);
            } else {
                pr.setLearner(true);
                learners.add(id);
            }
        }

        private void remove(long id) {
            if (!progress.containsKey(id)) {
                return;
            }
            incoming.remove(id);
            learners.remove(id);
            learnersNext.remove(id);
            if (!outgoing.contains(id)) {
                progress.remove(id);
            }
        }

        private void initProgress(long id, boolean isLearner) {
            if (isLearner) {
                learners.add(id);
            } else {
                incoming.add(id);
            }
            Progress pr = new Progress(0, Math.max(lastIndex, 1), tracker.newInflights(),
                    isLearner);
            // A new member counts as active, so CheckQuorum does not step the leader
            // down before the member had a chance to answer.
            pr.setRecentActive(true);
            progress.put(id, pr);
        }

        Result result() {
            TrackerConfig config = new TrackerConfig(
                    new JointConfig(new MajorityConfig(incoming), new MajorityConfig(outgoing)),
                    learners, learnersNext, autoLeave);
            for (long id : config.voters().ids()) {
                check(progress.containsKey(id), "voter " + id + " has no progress");
            }
            for (long id : learners) {
                check(progress.containsKey(id) && progress.get(id).isLearner(),
                        "learner " + id + " has no learner progress");
            }
            for (long id : learnersNext) {
                check(progress.containsKey(id) && !progress.get(id).isLearner(),
                        "learnersNext " + id + " must still vote");
            }
            return new Result(config, progress);
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException("broken configuration invariant: " + message);
        }
    }
}
