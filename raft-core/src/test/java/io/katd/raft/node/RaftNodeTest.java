package io.katd.raft.node;

import static io.katd.raft.node.TestCluster.bytes;
import static io.katd.raft.node.TestCluster.failure;
import static io.katd.raft.node.TestCluster.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.katd.proto.raft.ConfChangeSingle;
import io.katd.proto.raft.ConfChangeType;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.ConfState;
import io.katd.raft.StateType;
import io.katd.raft.tracker.ProgressState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Three (or four) RaftNodes in one JVM over MemoryDurableLogs and a LocalNetwork. */
class RaftNodeTest {

    @Test
    void campaignElectsTheCandidateAndEveryNodeLearnsIt() {
        try (TestCluster c = TestCluster.withLeader(1, b -> b)) {
            assertThat(c.view(1).role).isEqualTo(StateType.LEADER);
            assertThat(c.view(2).role).isEqualTo(StateType.FOLLOWER);
            assertThat(c.view(1).term).isEqualTo(2);
            c.await.until("the leader's status shows it",
                    () -> c.node(1).status().softState().raftState() == StateType.LEADER);
            // Each node publishes its status after its own loop cycle: wait for node 2's.
            c.await.until("node 2's status names node 1 as leader",
                    () -> c.node(2).status().softState().lead() == 1);
        }
    }

    @Test
    void electsALeaderOnItsOwnWhenTimePasses() {
        try (TestCluster c = TestCluster.started(3, 2, b -> b)) {
            c.setSpeed(50, 1, 2, 3);
            long leader = c.awaitLeader(1, 2, 3);
            c.setSpeed(1, 1, 2, 3);
            assertThat(get(c.node(leader).propose(bytes("a")))).isPositive();
            c.awaitValues(List.of("a"), 1, 2, 3);
        }
    }

    @Test
    void replicatesProposalsInOrderAndReturnsTheStateMachineResult() {
        try (TestCluster c = TestCluster.withLeader(3, b -> b)) {
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (String v : List.of("a", "b", "c")) {
                futures.add(c.node(1).propose(bytes(v)));
            }
            long previous = 0;
            for (CompletableFuture<Long> f : futures) {
                long index = get(f);
                assertThat(index).isGreaterThan(previous);
                previous = index;
            }
            c.awaitValues(List.of("a", "b", "c"), 1, 2, 3);
        }
    }

    @Test
    void listenersCountEveryProposalOnceAsCommittedOrFailed() {
        try (TestCluster c = TestCluster.withLeader(3, b -> b)) {
            get(c.node(1).propose(bytes("a")));
            get(c.node(2).propose(bytes("b")));
            c.await.until("node 1 counted its proposal",
                    () -> c.view(1).proposalsCommitted.get() == 1);
            c.await.until("node 2 counted its proposal",
                    () -> c.view(2).proposalsCommitted.get() == 1);
            c.node(3).close();
            assertThat(failure(c.node(3).propose(bytes("c"))))
                    .isInstanceOf(NodeClosedException.class);
            c.await.until("node 3 counted its failed proposal",
                    () -> c.view(3).proposalsFailed.get() == 1);
            assertThat(c.view(1).proposalsFailed.get()).isZero();
            assertThat(c.view(3).proposalsCommitted.get()).isZero();
        }
    }

    @Test
    void proposalOnAFollowerIsForwardedAndCompletesThere() {
        try (TestCluster c = TestCluster.withLeader(4, b -> b)) {
            long index = get(c.node(2).propose(bytes("via-2")));
            assertThat(c.machine(2).appliedIndex()).isGreaterThanOrEqualTo(index);
            assertThat(get(c.node(3).propose(bytes("via-3")))).isGreaterThan(index);
            c.awaitValues(List.of("via-2", "via-3"), 1, 2, 3);
        }
    }

    @Test
    void readIndexOnLeaderAndFollowerWaitsForTheLocalApply() {
        try (TestCluster c = TestCluster.withLeader(5, b -> b)) {
            long written = get(c.node(1).propose(bytes("x")));
            for (long id : new long[] {1, 3}) {
                TestStateMachine sm = c.machine(id);
                long[] appliedAtCompletion = new long[1];
                long readIndex = get(c.node(id).readIndex().thenApply(ri -> {
                    appliedAtCompletion[0] = sm.appliedIndex();
                    return ri;
                }));
                assertThat(readIndex).isGreaterThanOrEqualTo(written);
                assertThat(appliedAtCompletion[0]).isGreaterThanOrEqualTo(readIndex);
                assertThat(sm.values()).containsExactly("x");
            }
        }
    }

    @Test
    void reElectsAfterTheLeaderIsClosed() {
        try (TestCluster c = TestCluster.withLeader(6, b -> b)) {
            get(c.node(1).propose(bytes("before")));
            c.node(1).close();
            c.setSpeed(50, 2, 3);
            long leader = c.awaitLeader(2, 3);
            c.setSpeed(1, 2, 3);
            assertThat(leader).isIn(2L, 3L);
            get(c.node(leader).propose(bytes("after")));
            c.awaitValues(List.of("before", "after"), 2, 3);
        }
    }

    @Test
    void isolatedLeaderStepsDownFailsItsProposalAndRejoinsAfterHealing() {
        try (TestCluster c = TestCluster.withLeader(7, b -> b)) {
            get(c.node(1).propose(bytes("before")));
            c.network.isolate(1, 2, 3);
            CompletableFuture<Long> stranded = c.node(1).propose(bytes("stranded"));
            c.setSpeed(50, 1, 2, 3);
            Throwable t = failure(stranded);
            assertThat(t).isInstanceOf(LeadershipLostException.class)
                    .hasMessageContaining("outcome is unknown");
            long leader = c.awaitLeader(2, 3);
            c.setSpeed(1, 1, 2, 3);
            get(c.node(leader).propose(bytes("after")));
            c.network.heal();
            c.awaitLeader(leader, new long[] {1, 2, 3});
            c.awaitValues(List.of("before", "after"), 1, 2, 3);
        }
    }

    @Test
    void transfersLeadership() {
        try (TestCluster c = TestCluster.withLeader(8, b -> b)) {
            get(c.node(1).propose(bytes("a")));
            assertThat(c.node(1).transferLeadership(3)).isTrue();
            c.awaitLeader(3, new long[] {1, 2, 3});
            get(c.node(1).propose(bytes("b")));
            c.awaitValues(List.of("a", "b"), 1, 2, 3);
        }
    }

    @Test
    void addsALearnerPromotesItAndRemovesAVoter() {
        try (TestCluster c = TestCluster.withLeader(9, b -> b)) {
            get(c.node(1).propose(bytes("a")));
            c.start(4);
            ConfState learner = get(c.node(1).changeMembership(
                    change(ConfChangeType.ConfChangeAddLearnerNode, 4)));
            assertThat(learner.getLearnersList()).containsExactly(4L);
            c.awaitValues(List.of("a"), 4);
            assertThat(c.machine(4).restores()).isEqualTo(1);

            ConfState promoted = get(c.node(1).changeMembership(
                    change(ConfChangeType.ConfChangeAddNode, 4)));
            assertThat(promoted.getVotersList()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
            assertThat(promoted.getLearnersList()).isEmpty();

            ConfState removed = get(c.node(1).changeMembership(
                    change(ConfChangeType.ConfChangeRemoveNode, 2)));
            assertThat(removed.getVotersList()).containsExactlyInAnyOrder(1L, 3L, 4L);
            c.node(2).close();
            get(c.node(4).propose(bytes("b")));
            c.awaitValues(List.of("a", "b"), 1, 3, 4);
        }
    }

    @Test
    void membershipChangeOnAFollowerIsDropped() {
        try (TestCluster c = TestCluster.withLeader(10, b -> b)) {
            Throwable t = failure(c.node(2).changeMembership(
                    change(ConfChangeType.ConfChangeAddLearnerNode, 4)));
            assertThat(t).isInstanceOf(ProposalDroppedException.class)
                    .hasMessageContaining("proposed on the leader");
        }
    }

    @Test
    void secondMembershipChangeBeforeTheFirstIsAppliedIsRefused() {
        try (TestCluster c = TestCluster.withLeader(11, b -> b)) {
            // Nothing commits while the leader cannot reach its followers, so the first
            // change is still pending when the second arrives.
            c.network.block(1, 2);
            c.network.block(1, 3);
            CompletableFuture<ConfState> first = c.node(1).changeMembership(
                    change(ConfChangeType.ConfChangeAddLearnerNode, 4));
            CompletableFuture<ConfState> second = c.node(1).changeMembership(
                    change(ConfChangeType.ConfChangeAddLearnerNode, 5));
            assertThat(failure(second)).isInstanceOf(ProposalDroppedException.class)
                    .hasMessageContaining("refused");
            c.network.heal();
            assertThat(get(first).getLearnersList()).containsExactly(4L);
        }
    }

    @Test
    void restartedNodeCatchesUpFromItsDurableLogAndStateMachine() {
        try (TestCluster c = TestCluster.withLeader(12, b -> b)) {
            get(c.node(1).propose(bytes("a")));
            c.awaitValues(List.of("a"), 3);
            c.crash(3);
            get(c.node(1).propose(bytes("b")));
            // Node 3 keeps its state machine (it is durable), node 2 rebuilds a fresh one
            // from the log's snapshot and entries.
            c.start(3);
            c.crash(2);
            c.machines.remove(2L);
            c.start(2);
            get(c.node(1).propose(bytes("c")));
            c.awaitValues(List.of("a", "b", "c"), 1, 2, 3);
            c.awaitLeader(1, new long[] {1, 2, 3});
        }
    }

    @Test
    void laggingFollowerIsCaughtUpWithASnapshotAfterCompaction() {
        try (TestCluster c = TestCluster.withLeader(13, b -> b.snapshotEvery(5, 2))) {
            get(c.node(1).propose(bytes("v0")));
            c.awaitValues(List.of("v0"), 3);
            c.crash(3);
            List<String> expected = new ArrayList<>(List.of("v0"));
            for (int i = 1; i <= 20; i++) {
                expected.add("v" + i);
                get(c.node(1).propose(bytes("v" + i)));
            }
            long lastOf3 = c.log(3).lastIndex();
            assertThat(c.node(1).status().lastIndex()).isGreaterThan(lastOf3 + 5);
            int restoresBefore = c.machine(3).restores();
            c.start(3);
            c.awaitValues(expected, 1, 2, 3);
            assertThat(c.machine(3).restores()).isGreaterThan(restoresBefore);
            c.await.until("the leader replicates to node 3 again", () -> c.node(1).status()
                    .progress().get(3L).state() == ProgressState.REPLICATE);
        }
    }

    private static ConfChangeV2 change(ConfChangeType type, long nodeId) {
        return ConfChangeV2.newBuilder().addChanges(
                ConfChangeSingle.newBuilder().setType(type).setNodeId(nodeId)).build();
    }
}
