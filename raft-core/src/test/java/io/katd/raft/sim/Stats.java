package io.katd.raft.sim;

import io.katd.raft.StateType;

/** Coverage counters of one run: which interesting things actually happened. */
final class Stats {
    int elections;
    int crashes;
    int lostWrites;
    int restarts;
    int partitions;
    int compactions;
    int snapshotsInstalled;
    int confChanges;
    int readsAnswered;
    int proposalsAcked;

    void count(Event e) {
        if (e instanceof Event.RoleChanged r && r.role() == StateType.LEADER) {
            elections++;
        } else if (e instanceof Event.Stopped s && s.lostWrites()) {
            lostWrites++;
        } else if (e instanceof Event.Restarted r && r.incarnation() > 0) {
            restarts++;
        } else if (e instanceof Event.Compacted) {
            compactions++;
        } else if (e instanceof Event.SnapshotApplied) {
            snapshotsInstalled++;
        } else if (e instanceof Event.ReadAnswered) {
            readsAnswered++;
        } else if (e instanceof Event.ProposalAcked) {
            proposalsAcked++;
        }
    }

    @Override
    public String toString() {
        return "elections=" + elections + " crashes=" + crashes + " lostWrites=" + lostWrites
                + " restarts=" + restarts + " partitions=" + partitions + " compactions="
                + compactions + " snapshotsInstalled=" + snapshotsInstalled + " confChanges="
                + confChanges + " readsAnswered=" + readsAnswered + " proposalsAcked="
                + proposalsAcked;
    }
}
