package io.katd.raft.node;

import static io.katd.raft.node.TestCluster.bytes;
import static io.katd.raft.node.TestCluster.failure;
import static io.katd.raft.node.TestCluster.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** How requests fail, and on which threads they complete. */
class RaftNodeFailureTest {

    @Test
    void proposalWithoutALeaderIsDroppedWithTheReason() {
        try (TestCluster c = TestCluster.started(3, 21, b -> b)) {
            Throwable t = failure(c.node(1).propose(bytes("a")));
            assertThat(t).isInstanceOf(ProposalDroppedException.class)
                    .hasMessageContaining("no leader");
            assertThat(((ProposalDroppedException) t).reason()).contains("no leader");
            assertThat(failure(c.node(2).readIndex()))
                    .isInstanceOf(ReadIndexDroppedException.class)
                    .hasMessageContaining("no leader");
        }
    }

    @Test
    void proposalFailsAtOnceWhenTheInboxIsFull() throws InterruptedException {
        try (TestCluster c = new TestCluster(22, b -> b.inboxCapacity(4))) {
            c.bootstrap(1, 1);
            c.start(1).campaign();
            c.awaitLeader(1, new long[] {1});
            CompletableFuture<Long> blocker = c.node(1).propose(bytes("block"));
            c.machine(1).awaitBlocked();
            List<CompletableFuture<Long>> queued = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                queued.add(c.node(1).propose(bytes("q" + i)));
            }
            CompletableFuture<Long> rejected = c.node(1).propose(bytes("too many"));
            assertThat(rejected).isCompletedExceptionally();
            assertThat(failure(rejected)).isInstanceOf(ProposalDroppedException.class)
                    .hasMessageContaining("inbox is full");
            c.machine(1).unblock();
            get(blocker);
            for (CompletableFuture<Long> f : queued) {
                get(f);
            }
            c.awaitValues(List.of("block", "q0", "q1", "q2", "q3"), 1);
        }
    }

    @Test
    void pendingAndLaterRequestsFailWhenTheNodeIsClosed() {
        try (TestCluster c = TestCluster.withLeader(23, b -> b)) {
            c.network.isolate(1, 2, 3);
            CompletableFuture<Long> pending = c.node(1).propose(bytes("never committed"));
            CompletableFuture<Long> read = c.node(1).readIndex();
            c.node(1).close();
            assertThat(failure(pending)).isInstanceOf(NodeClosedException.class)
                    .hasMessageContaining("closed");
            assertThat(failure(read)).isInstanceOf(NodeClosedException.class);
            assertThat(failure(c.node(1).propose(bytes("late"))))
                    .isInstanceOf(NodeClosedException.class);
            assertThat(c.node(1).isRunning()).isFalse();
            c.node(1).close();
        }
    }

    @Test
    void failedDurableWriteStopsTheNodeAndFailsItsRequests() {
        try (TestCluster c = TestCluster.withLeader(24, b -> b)) {
            IOException disk = new IOException("disk on fire");
            c.log(1).failWrites(disk);
            Throwable t = failure(c.node(1).propose(bytes("lost")));
            assertThat(t).isInstanceOf(NodeClosedException.class)
                    .hasMessageContaining("fatal error").hasCause(disk);
            c.await.until("node 1 stops", () -> !c.node(1).isRunning());
            assertThat(failure(c.node(1).propose(bytes("late"))))
                    .isInstanceOf(NodeClosedException.class).hasCause(disk);
            // The entry never left node 1: its messages are sent only after a durable write.
            c.setSpeed(50, 2, 3);
            long leader = c.awaitLeader(2, 3);
            c.setSpeed(1, 2, 3);
            get(c.node(leader).propose(bytes("after")));
            c.awaitValues(List.of("after"), 2, 3);
        }
    }

    @Test
    void forwardedProposalLostOnTheWayTimesOut() {
        try (TestCluster c = TestCluster.withLeader(25,
                b -> b.requestTimeout(Duration.ofMillis(300)))) {
            c.network.block(2, 1);
            Throwable t = failure(c.node(2).propose(bytes("lost")));
            assertThat(t).isInstanceOf(RequestTimeoutException.class)
                    .hasMessageContaining("outcome is unknown");
            c.network.heal();
            get(c.node(2).propose(bytes("delivered")));
            c.awaitValues(List.of("delivered"), 1, 2, 3);
        }
    }

    @Test
    void futuresAndListenersNeverRunOnTheRaftThread() {
        try (TestCluster c = TestCluster.withLeader(26, b -> b)) {
            // A dependent runs on the thread that completes the future, or on the caller's
            // if the future was already complete: never on a raft thread either way.
            for (long id = 1; id <= 3; id++) {
                String thread = get(c.node(id).propose(bytes("p" + id))
                        .thenApply(index -> Thread.currentThread().getName()));
                assertThat(thread).doesNotMatch("raft-\\d+");
                String readThread = get(c.node(id).readIndex()
                        .thenApply(index -> Thread.currentThread().getName()));
                assertThat(readThread).doesNotMatch("raft-\\d+");
            }
            c.network.isolate(1, 2, 3);
            CompletableFuture<String> failedOn = c.node(1).propose(bytes("x"))
                    .handle((v, e) -> Thread.currentThread().getName());
            c.node(1).close();
            assertThat(get(failedOn)).doesNotMatch("raft-\\d+");
            for (long id = 1; id <= 3; id++) {
                synchronized (c.view(id).callbackThreads) {
                    String expected = "raft-" + id + "-completions";
                    assertThat(c.view(id).callbackThreads).isNotEmpty()
                            .allMatch(expected::equals);
                }
            }
        }
    }

    @Test
    void aDependentAttachedBeforeCompletionRunsOnTheCompletionThread()
            throws InterruptedException {
        try (TestCluster c = new TestCluster(28, b -> b)) {
            c.bootstrap(1, 1);
            c.start(1).campaign();
            c.awaitLeader(1, new long[] {1});
            CompletableFuture<Long> blocker = c.node(1).propose(bytes("block"));
            c.machine(1).awaitBlocked();
            // The raft thread is parked in apply, so this future cannot complete before the
            // dependent is attached.
            CompletableFuture<String> thread = c.node(1).propose(bytes("x"))
                    .thenApply(index -> Thread.currentThread().getName());
            c.machine(1).unblock();
            get(blocker);
            assertThat(get(thread)).isEqualTo("raft-1-completions");
        }
    }

    @Test
    void requestsBeforeStartAreCallerMistakes() {
        try (TestCluster c = new TestCluster(27, b -> b)) {
            c.bootstrap(1, 1);
            RaftNode<Long> node = new RaftNode<>(RaftNodeConfig.builder(1).build(), c.log(1),
                    c.network.transport(1), new TestStateMachine(c.await));
            assertThatThrownBy(() -> node.propose(bytes("a")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
            assertThatThrownBy(node::status).isInstanceOf(IllegalStateException.class);
            node.close();
            assertThatThrownBy(node::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot start");
        }
    }
}
