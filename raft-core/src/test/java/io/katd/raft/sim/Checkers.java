package io.katd.raft.sim;

import java.util.ArrayList;
import java.util.List;

/** Every invariant checker of the simulation, fed the same events in the same order. */
final class Checkers implements Checker {
    private final List<Checker> all = new ArrayList<>();

    /** The safety checkers, plus convergence with the given bound on electing a leader. */
    static Checkers standard(long leaderBoundTicks) {
        return new Checkers()
                .add(new ReadyContract())
                .add(new ElectionSafety())
                .add(new VoteSafety())
                .add(new ReplyDurability())
                .add(new LogMatching())
                .add(new LeaderCompleteness())
                .add(new StateMachineSafety())
                .add(new Monotonicity())
                .add(new ReadIndexSafety())
                .add(new Convergence(leaderBoundTicks));
    }

    Checkers add(Checker c) {
        all.add(c);
        return this;
    }

    @Override
    public void on(Event e) {
        for (Checker c : all) {
            c.on(e);
        }
    }
}
