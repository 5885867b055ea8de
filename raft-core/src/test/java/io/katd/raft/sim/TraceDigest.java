package io.katd.raft.sim;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Folds every event into one hash, so that two runs of the same scenario can be compared
 * cheaply, and keeps the most recent events for failure reports.
 */
final class TraceDigest implements Checker {
    private final int keep;
    private final Deque<String> recent = new ArrayDeque<>();
    private long hash = 0xCBF2_9CE4_8422_2325L;
    private long count;

    TraceDigest(int keep) {
        this.keep = keep;
    }

    @Override
    public void on(Event e) {
        String s = e.toString();
        hash = Hashes.fold(hash, s);
        count++;
        if (keep > 0) {
            if (recent.size() == keep) {
                recent.removeFirst();
            }
            recent.addLast(s);
        }
    }

    long hash() {
        return hash;
    }

    long count() {
        return count;
    }

    String recent() {
        return String.join("\n", recent);
    }
}
