package io.katd.raft.sim;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.raft.StateType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each checker proves itself on hand-built traces: it rejects a trace that breaks its
 * invariant, naming itself, and accepts the closest trace that does not.
 */
class CheckerSelfTest {
    private static final long H1 = 0x1111;
    private static final long H2 = 0x2222;

    private static void feed(Checker c, Event... trace) {
        for (Event e : trace) {
            c.on(e);
        }
    }

    private static void rejects(Checker c, String name, Event... trace) {
        assertThatThrownBy(() -> feed(c, trace)).isInstanceOf(InvariantViolation.class)
                .hasMessageStartingWith(name + ":");
    }

    private static void accepts(Checker c, Event... trace) {
        assertThatCode(() -> feed(c, trace)).doesNotThrowAnyException();
    }

    private static Event leader(long node, long term) {
        return new Event.RoleChanged(node, term, StateType.LEADER);
    }

    @Test
    void electionSafetyRejectsTwoLeadersInOneTerm() {
        rejects(new ElectionSafety(), "ElectionSafety", leader(1, 5), leader(2, 5));
        accepts(new ElectionSafety(), leader(1, 5), leader(1, 5), leader(2, 6),
                new Event.RoleChanged(3, 6, StateType.CANDIDATE));
    }

    @Test
    void voteSafetyRejectsTwoVotesInOneTermAcrossRestarts() {
        rejects(new VoteSafety(), "VoteSafety", new Event.VoteRecorded(1, 3, 2),
                new Event.Restarted(1, 1, 1, Hashes.GENESIS),
                new Event.VoteGranted(1, 3, 3, 3, 3));
        accepts(new VoteSafety(), new Event.VoteRecorded(1, 3, 2),
                new Event.VoteGranted(1, 3, 2, 3, 2), new Event.VoteGranted(1, 4, 3, 4, 3));
    }

    @Test
    void replyDurabilityRejectsPromisesAheadOfTheDisk() {
        rejects(new ReplyDurability(), "ReplyDurability",
                new Event.VoteGranted(1, 3, 2, 2, 0));
        rejects(new ReplyDurability(), "ReplyDurability",
                new Event.VoteGranted(1, 3, 2, 3, 4));
        rejects(new ReplyDurability(), "ReplyDurability", new Event.AppendAcked(1, 10, 9));
        // A later durable term rules out a second vote in the earlier one.
        accepts(new ReplyDurability(), new Event.VoteGranted(1, 3, 2, 4, 1),
                new Event.VoteGranted(1, 4, 1, 4, 1), new Event.AppendAcked(1, 10, 10));
    }

    @Test
    void readyContractRejectsUnsyncedDurableData() {
        rejects(new ReadyContract(), "ReadyContract",
                new Event.ReadyHandedOut(1, false, true, false, false));
        rejects(new ReadyContract(), "ReadyContract",
                new Event.ReadyHandedOut(1, false, false, false, true));
        accepts(new ReadyContract(), new Event.ReadyHandedOut(1, true, true, true, true),
                new Event.ReadyHandedOut(1, false, false, false, false));
    }

    @Test
    void logMatchingRejectsDifferentPrefixesUnderTheSameIndexAndTerm() {
        rejects(new LogMatching(), "LogMatching", new Event.EntryPersisted(1, 5, 2, H1),
                new Event.EntryPersisted(2, 5, 2, H2));
        rejects(new LogMatching(), "LogMatching", new Event.EntryPersisted(1, 5, 2, H1),
                new Event.SnapshotPersisted(2, 5, 2, H2));
        accepts(new LogMatching(), new Event.EntryPersisted(1, 5, 2, H1),
                new Event.EntryPersisted(2, 5, 3, H2), new Event.SnapshotPersisted(3, 5, 2, H1));
    }

    @Test
    void leaderCompletenessRejectsALeaderWithoutAnEarlierCommit() {
        rejects(new LeaderCompleteness(), "LeaderCompleteness",
                new Event.EntryPersisted(1, 1, 2, H1), new Event.Committed(1, 2, 1, H1),
                new Event.EntryPersisted(2, 1, 3, H2), leader(2, 3));
        // The commit becomes known only after the later leader was elected.
        rejects(new LeaderCompleteness(), "LeaderCompleteness", leader(3, 5),
                new Event.EntryPersisted(1, 1, 4, H1), new Event.Committed(1, 4, 1, H1));
        // A stale leader need not hold what a later term committed.
        accepts(new LeaderCompleteness(), leader(1, 2), new Event.EntryPersisted(2, 1, 3, H1),
                new Event.Committed(2, 3, 1, H1));
        // Entries covered by the leader's snapshot count as held.
        accepts(new LeaderCompleteness(), new Event.EntryPersisted(1, 1, 2, H1),
                new Event.Committed(1, 2, 1, H1), new Event.SnapshotPersisted(2, 3, 2, H2),
                leader(2, 3));
    }

    @Test
    void leaderCompletenessRejectsDisagreeingCommitsAndOverwritingLeaders() {
        rejects(new LeaderCompleteness(), "LeaderCompleteness",
                new Event.Committed(1, 2, 5, H1), new Event.Committed(2, 2, 5, H2));
        rejects(new LeaderCompleteness(), "LeaderCompleteness", leader(1, 2),
                new Event.EntryPersisted(1, 1, 2, H1), new Event.EntryPersisted(1, 1, 2, H2));
        accepts(new LeaderCompleteness(), leader(1, 2), new Event.EntryPersisted(1, 1, 2, H1),
                new Event.RoleChanged(1, 3, StateType.FOLLOWER),
                new Event.EntryPersisted(1, 1, 3, H2));
    }

    @Test
    void stateMachineSafetyRejectsDivergenceGapsAndRegressions() {
        rejects(new StateMachineSafety(), "StateMachineSafety",
                new Event.Applied(1, 1, H1), new Event.Applied(2, 1, H2));
        rejects(new StateMachineSafety(), "StateMachineSafety",
                new Event.Restarted(1, 0, 1, H1), new Event.Applied(1, 3, H2));
        rejects(new StateMachineSafety(), "StateMachineSafety",
                new Event.Restarted(1, 0, 4, H1), new Event.SnapshotApplied(1, 3, H2));
        rejects(new StateMachineSafety(), "StateMachineSafety",
                new Event.Applied(1, 1, H1), new Event.SnapshotApplied(2, 1, H2));
        accepts(new StateMachineSafety(), new Event.Applied(1, 1, H1),
                new Event.Applied(2, 1, H1), new Event.SnapshotApplied(3, 2, H2),
                new Event.Restarted(1, 1, 1, H1), new Event.Applied(1, 2, H2));
    }

    private static Event.NodeState state(int incarnation, long term, long commit, long applied,
            long durableTerm, long durableCommit, long durableApplied) {
        return new Event.NodeState(1, incarnation, term, commit, applied, durableTerm,
                durableCommit, durableApplied);
    }

    @Test
    void monotonicityRejectsProgressGoingBack() {
        rejects(new Monotonicity(), "Monotonicity", state(0, 3, 5, 5, 3, 5, 5),
                state(0, 2, 5, 5, 3, 5, 5));
        rejects(new Monotonicity(), "Monotonicity", state(0, 3, 5, 5, 3, 5, 5),
                state(0, 3, 4, 4, 3, 5, 5));
        rejects(new Monotonicity(), "Monotonicity", state(0, 3, 5, 5, 3, 5, 5),
                state(1, 3, 5, 5, 3, 4, 5));
        rejects(new Monotonicity(), "Monotonicity", state(0, 3, 9, 9, 3, 5, 5),
                state(1, 3, 4, 4, 3, 5, 5));
        rejects(new Monotonicity(), "Monotonicity", state(0, 3, 5, 6, 3, 5, 5));
        // A restart may lose what was never durable, but nothing that was.
        accepts(new Monotonicity(), state(0, 3, 9, 9, 3, 5, 5), state(1, 3, 5, 5, 3, 5, 5),
                state(1, 4, 6, 6, 4, 6, 5));
    }

    @Test
    void readIndexSafetyRejectsStaleForeignAndFutureAnswers() {
        rejects(new ReadIndexSafety(), "ReadIndexSafety",
                new Event.ReadRequested(1, "r1", 5), new Event.ReadAnswered(1, "r1", 4, 6));
        rejects(new ReadIndexSafety(), "ReadIndexSafety",
                new Event.ReadAnswered(1, "r9", 4, 6));
        rejects(new ReadIndexSafety(), "ReadIndexSafety",
                new Event.ReadRequested(1, "r1", 5), new Event.ReadAnswered(2, "r1", 5, 6));
        rejects(new ReadIndexSafety(), "ReadIndexSafety",
                new Event.ReadRequested(1, "r1", 5), new Event.ReadAnswered(1, "r1", 7, 6));
        rejects(new ReadIndexSafety(), "ReadIndexSafety",
                new Event.ReadRequested(1, "r1", 5), new Event.ReadRequested(2, "r1", 5));
        accepts(new ReadIndexSafety(), new Event.ReadRequested(1, "r1", 5),
                new Event.ReadAnswered(1, "r1", 5, 5), new Event.ReadAnswered(1, "r1", 6, 6));
    }

    private static Event[] ticks(long from, long to) {
        Event[] t = new Event[(int) (to - from)];
        for (long i = from; i < to; i++) {
            t[(int) (i - from)] = new Event.Tick(i + 1);
        }
        return t;
    }

    private static Event[] concat(List<Event[]> parts) {
        return parts.stream().flatMap(java.util.Arrays::stream).toArray(Event[]::new);
    }

    @Test
    void convergenceRejectsNoLeaderAfterHealing() {
        rejects(new Convergence(50), "Convergence", concat(List.of(
                new Event[] {new Event.Healed(0)}, ticks(0, 60),
                new Event[] {leader(1, 3), new Event.Finished(60, Map.of(1L, 0L), true)})));
        accepts(new Convergence(50), concat(List.of(
                new Event[] {new Event.Healed(0)}, ticks(0, 40),
                new Event[] {leader(1, 3), new Event.Finished(40, Map.of(1L, 0L), true)})));
    }

    @Test
    void convergenceRejectsLostAcknowledgedWritesAndAFailedFinalWrite() {
        Event[] before = {leader(1, 2), new Event.ProposalAcked(1, 7), new Event.Healed(10)};
        rejects(new Convergence(50), "Convergence", concat(List.of(before, new Event[] {
            new Event.Finished(20, Map.of(1L, 7L, 2L, 6L), true)})));
        rejects(new Convergence(50), "Convergence", concat(List.of(before, new Event[] {
            new Event.Finished(20, Map.of(1L, 7L, 2L, 7L), false)})));
        rejects(new Convergence(50), "Convergence",
                new Event.Finished(20, Map.of(1L, 7L), true));
        accepts(new Convergence(50), concat(List.of(before, new Event[] {
            new Event.Finished(20, Map.of(1L, 7L, 2L, 9L), true)})));
    }
}
