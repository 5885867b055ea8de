package io.katd.raft.tracker;

/**
 * The leader's view of one follower's log (Raft paper, figure 2: nextIndex and
 * matchIndex), plus the flow-control state of replication to it.
 */
public final class Progress {
    // Invariant: 0 <= match < next.
    private long match;
    private long next;
    private ProgressState state = ProgressState.PROBE;
    // The index of the snapshot in flight; 0 unless state == SNAPSHOT.
    private long pendingSnapshot;
    // Whether the follower was heard from since the last CheckQuorum round.
    private boolean recentActive;
    // In PROBE: a probe is outstanding; no further MsgApp until it is answered or a
    // heartbeat response arrives.
    private boolean probeSent;
    private final Inflights inflights;
    private boolean isLearner;

    public Progress(long match, long next, Inflights inflights, boolean isLearner) {
        if (match < 0 || next <= match) {
            throw new IllegalArgumentException(
                    "progress needs 0 <= match < next, got match=" + match + " next=" + next);
        }
        this.match = match;
        this.next = next;
        this.inflights = inflights;
        this.isLearner = isLearner;
    }

    /** A deep copy, so that a proposed configuration never mutates the live one. */
    public Progress copy() {
        Progress c = new Progress(match, next, inflights.copy(), isLearner);
        c.state = state;
        c.pendingSnapshot = pendingSnapshot;
        c.recentActive = recentActive;
        c.probeSent = probeSent;
        return c;
    }

    public long match() {
        return match;
    }

    public long next() {
        return next;
    }

    public ProgressState state() {
        return state;
    }

    public long pendingSnapshot() {
        return pendingSnapshot;
    }

    public boolean recentActive() {
        return recentActive;
    }

    public void setRecentActive(boolean recentActive) {
        this.recentActive = recentActive;
    }

    public boolean probeSent() {
        return probeSent;
    }

    public void setProbeSent(boolean probeSent) {
        this.probeSent = probeSent;
    }

    public Inflights inflights() {
        return inflights;
    }

    public boolean isLearner() {
        return isLearner;
    }

    public void setLearner(boolean isLearner) {
        this.isLearner = isLearner;
    }

    private void resetState(ProgressState newState) {
        probeSent = false;
        pendingSnapshot = 0;
        state = newState;
        inflights.reset();
    }

    /**
     * Back to probing. Coming from SNAPSHOT, the snapshot may have been applied, so the
     * next index to try is just past it.
     */
    public void becomeProbe() {
        if (state == ProgressState.SNAPSHOT) {
            long pending = pendingSnapshot;
            resetState(ProgressState.PROBE);
            next = Math.max(match + 1, pending + 1);
        } else {
            resetState(ProgressState.PROBE);
            next = match + 1;
        }
    }

    public void becomeReplicate() {
        resetState(ProgressState.REPLICATE);
        next = match + 1;
    }

    public void becomeSnapshot(long snapshotIndex) {
        resetState(ProgressState.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
    }

    /**
     * Accounts for a MsgApp just sent with {@code entries} entries of {@code bytes}
     * payload bytes, the last of which has index {@code lastIndex}.
     */
    public void sentEntries(int entries, long bytes, long lastIndex) {
        switch (state) {
            case REPLICATE -> {
                if (entries > 0) {
                    next = lastIndex + 1;
                    inflights.add(lastIndex, bytes);
                }
            }
            case PROBE -> probeSent = true;
            case SNAPSHOT -> throw new IllegalStateException(
                    "sending entries to a follower in state SNAPSHOT");
        }
    }

    /**
     * The follower acknowledged its log up to {@code index}. Returns false when the
     * acknowledgement is stale (match does not move).
     */
    public boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /**
     * The follower rejected a MsgApp whose previous index was {@code rejected}, hinting
     * that its log may match up to {@code matchHint}. Returns false when the rejection is
     * stale and must be ignored.
     */
    public boolean maybeDecrTo(long rejected, long matchHint) {
        if (state == ProgressState.REPLICATE) {
            // A rejection at or below match answers an old message: ignore it.
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        // In PROBE only the answer to the outstanding probe (next - 1) counts.
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
        probeSent = false;
        return true;
    }

    /** Whether sending a MsgApp to this follower must wait. */
    public boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.full();
            case SNAPSHOT -> true;
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(state).append(" match=").append(match).append(" next=").append(next);
        if (isLearner) {
            sb.append(" learner");
        }
        if (isPaused()) {
            sb.append(" paused");
        }
        if (pendingSnapshot > 0) {
            sb.append(" pendingSnap=").append(pendingSnapshot);
        }
        if (!recentActive) {
            sb.append(" inactive");
        }
        if (inflights.count() > 0) {
            sb.append(" inflight=").append(inflights.count());
            if (inflights.full()) {
                sb.append("[full]");
            }
        }
        return sb.toString();
    }
}
