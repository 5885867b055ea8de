package io.katd.raft.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.katd.proto.node.ProposalEnvelope;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.raft.ReadState;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The bookkeeping of pending requests, driven by hand on one thread. */
class RequestsTest {
    private static final long NODE = 1;
    private static final long INCARNATION = 77;

    private final Requests<String> requests = new Requests<>(NODE, INCARNATION, 1000,
            new Completer(NODE, Runnable::run), 10);

    @Test
    void onlyThisRunsEnvelopesCompleteItsProposalsAfterTheBatch() throws Exception {
        requests.beginCycle();
        CompletableFuture<String> f = new CompletableFuture<>();
        long seq = requests.nextSequence();
        requests.addProposal(seq, f, 0);
        requests.onApplied(envelope(NODE, INCARNATION + 1, seq), "other run");
        requests.onApplied(envelope(2, INCARNATION, seq), "other node");
        requests.flushApplied();
        assertThat(f).isNotDone();
        requests.onApplied(envelope(NODE, INCARNATION, seq), "mine");
        assertThat(f).isNotDone();
        requests.flushApplied();
        assertThat(f.get()).isEqualTo("mine");
    }

    @Test
    void leadershipChangeFailsUncommittedProposalsButKeepsCommittedOnes() {
        requests.beginCycle();
        CompletableFuture<String> committed = propose();
        CompletableFuture<String> uncommitted = propose();
        CompletableFuture<String> forwarded = propose();
        requests.onPersisted(List.of(entry(5, 1), entry(6, 2)));
        requests.beginCycle();
        CompletableFuture<String> thisCycle = propose();
        requests.onLeadershipChange(5, "leader 2 at term 3, now none at term 4");
        assertThat(committed).isNotDone();
        assertThat(thisCycle).isNotDone();
        assertThat(cause(uncommitted)).isInstanceOf(LeadershipLostException.class)
                .hasMessageContaining("outcome is unknown");
        assertThat(cause(forwarded)).isInstanceOf(LeadershipLostException.class);
    }

    @Test
    void proposalWhoseEntryIsReplacedFails() {
        requests.beginCycle();
        CompletableFuture<String> f = propose();
        requests.onPersisted(List.of(entry(5, 1)));
        requests.onPersisted(List.of(Entry.newBuilder().setIndex(5).setTerm(4).build()));
        assertThat(cause(f)).isInstanceOf(LeadershipLostException.class)
                .hasMessageContaining("replaced");
    }

    @Test
    void readsCompleteOnceAppliedAndFailUnconfirmedOnLeadershipChange() throws Exception {
        requests.beginCycle();
        ByteString c1 = requests.newReadContext();
        ByteString c2 = requests.newReadContext();
        CompletableFuture<Long> r1 = new CompletableFuture<>();
        CompletableFuture<Long> r2 = new CompletableFuture<>();
        requests.addRead(c1, r1, 0);
        requests.addRead(c2, r2, 0);
        requests.onReadState(new ReadState(8, c1));
        requests.onAppliedIndex(7);
        assertThat(r1).isNotDone();
        requests.onLeadershipChange(7, "change");
        assertThat(cause(r2)).isInstanceOf(LeadershipLostException.class);
        requests.onAppliedIndex(8);
        assertThat(r1.get()).isEqualTo(8);
    }

    @Test
    void readContextsAreSixteenBytesAndNeverRepeat() {
        Set<ByteString> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ByteString ctx = requests.newReadContext();
            assertThat(ctx.size()).isEqualTo(16);
            assertThat(seen.add(ctx)).isTrue();
        }
    }

    @Test
    void requestsExpireAtTheirDeadline() {
        requests.beginCycle();
        CompletableFuture<String> early = new CompletableFuture<>();
        requests.addProposal(requests.nextSequence(), early, 0);
        CompletableFuture<ConfState> late = new CompletableFuture<>();
        requests.addChange(requests.nextSequence(), late, 5, 0, 0);
        requests.expire(9);
        assertThat(early).isNotDone();
        requests.expire(10);
        assertThat(cause(early)).isInstanceOf(RequestTimeoutException.class);
        assertThat(late).isNotDone();
        requests.expire(15);
        assertThat(cause(late)).isInstanceOf(RequestTimeoutException.class);
        assertThat(requests.pendingCount()).isZero();
    }

    private CompletableFuture<String> propose() {
        CompletableFuture<String> f = new CompletableFuture<>();
        requests.addProposal(requests.nextSequence(), f, 0);
        return f;
    }

    private static Entry entry(long index, long sequence) {
        return Entry.newBuilder().setIndex(index).setTerm(3)
                .setData(Envelopes.wrap(NODE, INCARNATION, sequence, ByteString.EMPTY)).build();
    }

    private static ProposalEnvelope envelope(long origin, long incarnation, long seq) {
        return ProposalEnvelope.newBuilder().setOrigin(origin).setIncarnation(incarnation)
                .setSequence(seq).build();
    }

    private static Throwable cause(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.get();
            throw new AssertionError("not failed");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
