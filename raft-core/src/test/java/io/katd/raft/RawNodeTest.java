package io.katd.raft;

import static io.katd.raft.RaftLogTest.ents;
import static io.katd.raft.UnstableLogTest.indexes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class RawNodeTest {

    static RawNode node(long id, MemoryStorage storage, UnaryOperator<Config.Builder> tweak) {
        Config c = tweak.apply(Config.builder(id).random(new SplittableRandom(id))).build();
        return new RawNode(c, storage);
    }

    static RawNode node(long id, MemoryStorage storage) {
        return node(id, storage, b -> b);
    }

    /** Takes the Ready and persists it as the contract demands, without advancing. */
    static Ready persist(RawNode n, MemoryStorage s) {
        assertThat(n.hasReady()).isTrue();
        Ready rd = n.ready();
        rd.snapshot().ifPresent(s::applySnapshot);
        s.append(rd.entries());
        rd.hardState().ifPresent(s::setHardState);
        return rd;
    }

    static Message.Builder msg(MessageType type, long from, long to, long term) {
        return Message.newBuilder().setType(type).setFrom(from).setTo(to).setTerm(term);
    }

    /** Snapshot at (5, 2) with voters 1, 2, 3, then entries 6..8, term 3, vote 2, commit 7. */
    static MemoryStorage restartStorage() {
        MemoryStorage s = new MemoryStorage();
        s.applySnapshot(Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder()
                .setIndex(5).setTerm(2)
                .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3)))
                .build());
        s.append(ents(6, 2, 3, 3));
        s.setHardState(HardState.newBuilder().setTerm(3).setVote(2).setCommit(7).build());
        return s;
    }

    @Test
    void readyTwiceWithoutAdvanceIsRefused() {
        MemoryStorage s = MemoryStorage.withVoters(1);
        RawNode n = node(1, s);
        n.campaign();
        Ready rd = persist(n, s);
        // While a Ready is outstanding there is nothing more to hand out.
        assertThat(n.hasReady()).isFalse();
        assertThatThrownBy(n::ready).isInstanceOf(IllegalStateException.class);
        n.advance(rd);
        assertThat(n.hasReady()).isTrue();
    }

    @Test
    void advanceOfAReadyThatIsNotOutstandingIsRefused() {
        MemoryStorage s = MemoryStorage.withVoters(1);
        RawNode n = node(1, s);
        n.campaign();
        Ready rd = persist(n, s);
        n.advance(rd);
        assertThatThrownBy(() -> n.advance(rd)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void singleVoterCommitsItsFirstEntryOnlyAfterPersistingIt() {
        MemoryStorage s = MemoryStorage.withVoters(1);
        RawNode n = node(1, s);
        n.campaign();

        // The vote for itself counts only once the vote is durable.
        Ready vote = persist(n, s);
        assertThat(vote.hardState()).contains(
                HardState.newBuilder().setTerm(1).setVote(1).build());
        assertThat(vote.mustSync()).isTrue();
        assertThat(n.status().softState().raftState()).isEqualTo(StateType.CANDIDATE);
        n.advance(vote);
        assertThat(n.status().softState().raftState()).isEqualTo(StateType.LEADER);

        Ready append = persist(n, s);
        assertThat(indexes(append.entries())).containsExactly(1L);
        assertThat(append.committedEntries()).isEmpty();
        assertThat(append.mustSync()).isTrue();
        n.advance(append);

        Ready commit = persist(n, s);
        assertThat(commit.entries()).isEmpty();
        assertThat(indexes(commit.committedEntries())).containsExactly(1L);
        assertThat(commit.hardState().orElseThrow().getCommit()).isEqualTo(1);
        n.advance(commit);
        assertThat(n.hasReady()).isFalse();
    }

    @Test
    void commitOnlyReadyDoesNotNeedSync() {
        MemoryStorage s = MemoryStorage.withVoters(1, 2, 3);
        RawNode n = node(2, s);
        n.step(msg(MessageType.MsgApp, 1, 2, 1).addAllEntries(ents(1, 1)).build());
        Ready append = persist(n, s);
        assertThat(append.mustSync()).isTrue();
        n.advance(append);

        n.step(msg(MessageType.MsgHeartbeat, 1, 2, 1).setCommit(1).build());
        Ready commit = persist(n, s);
        assertThat(commit.hardState().orElseThrow().getCommit()).isEqualTo(1);
        assertThat(commit.entries()).isEmpty();
        assertThat(indexes(commit.committedEntries())).containsExactly(1L);
        assertThat(commit.mustSync()).isFalse();
        assertThat(commit.messages()).extracting(Message::getType)
                .containsExactly(MessageType.MsgHeartbeatResp);
        n.advance(commit);
    }

    @Test
    void voteIsSentOnlyWithTheReadyThatPersistsIt() {
        MemoryStorage s = MemoryStorage.withVoters(1, 2, 3);
        RawNode n = node(2, s);
        n.step(msg(MessageType.MsgVote, 1, 2, 1).build());
        Ready rd = persist(n, s);
        assertThat(rd.hardState()).contains(
                HardState.newBuilder().setTerm(1).setVote(1).build());
        assertThat(rd.mustSync()).isTrue();
        assertThat(rd.messages()).singleElement().satisfies(m -> {
            assertThat(m.getType()).isEqualTo(MessageType.MsgVoteResp);
            assertThat(m.getReject()).isFalse();
            assertThat(m.getTerm()).isEqualTo(1);
        });
    }

    @Test
    void appendResponseIsSentOnlyWithTheEntriesItAcknowledges() {
        MemoryStorage s = MemoryStorage.withVoters(1, 2, 3);
        RawNode n = node(2, s);
        n.step(msg(MessageType.MsgApp, 1, 2, 1).addAllEntries(ents(1, 1, 1)).build());
        Ready rd = persist(n, s);
        assertThat(indexes(rd.entries())).containsExactly(1L, 2L);
        assertThat(rd.mustSync()).isTrue();
        assertThat(rd.messages()).singleElement().satisfies(m -> {
            assertThat(m.getType()).isEqualTo(MessageType.MsgAppResp);
            assertThat(m.getIndex()).isEqualTo(2);
        });
    }

    @Test
    void restartKeepsTermVoteAndCommit() {
        MemoryStorage s = restartStorage();
        RawNode n = node(1, s);
        Status st = n.status();
        assertThat(st.hardState()).isEqualTo(s.hardState());
        assertThat(st.lastIndex()).isEqualTo(8);
        assertThat(st.applied()).isEqualTo(5);
        assertThat(st.softState().raftState()).isEqualTo(StateType.FOLLOWER);

        Ready rd = persist(n, s);
        // Everything committed after the snapshot is applied again; nothing else changed.
        assertThat(indexes(rd.committedEntries())).containsExactly(6L, 7L);
        assertThat(rd.hardState()).isEmpty();
        assertThat(rd.softState()).isEmpty();
        assertThat(rd.entries()).isEmpty();
        assertThat(rd.mustSync()).isFalse();
        n.advance(rd);
        assertThat(n.hasReady()).isFalse();
    }

    @Test
    void appliedSuppressesRedelivery() {
        MemoryStorage s = restartStorage();
        RawNode n = node(1, s, b -> b.applied(6));
        assertThat(n.status().applied()).isEqualTo(6);
        Ready rd = persist(n, s);
        assertThat(indexes(rd.committedEntries())).containsExactly(7L);

        RawNode upToDate = node(1, restartStorage(), b -> b.applied(7));
        assertThat(upToDate.hasReady()).isFalse();
    }

    @Test
    void appliedBeyondTheCommitIndexIsFatal() {
        assertThatThrownBy(() -> node(1, restartStorage(), b -> b.applied(8)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void hardStateCommitBeyondTheLastIndexIsFatal() {
        MemoryStorage s = restartStorage();
        s.setHardState(s.hardState().toBuilder().setCommit(9).build());
        assertThatThrownBy(() -> node(1, s)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("commit 9");
    }

    @Test
    void snapshotReadyCarriesNoCommittedEntries() {
        MemoryStorage s = MemoryStorage.withVoters(1, 2, 3);
        RawNode n = node(2, s);
        Snapshot snap = Snapshot.newBuilder().setData(ByteString.copyFromUtf8("state"))
                .setMetadata(SnapshotMetadata.newBuilder().setIndex(10).setTerm(2)
                        .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2)
                                .addVoters(3)))
                .build();
        n.step(msg(MessageType.MsgSnap, 1, 2, 2).setSnapshot(snap).build());
        Ready rd = persist(n, s);
        assertThat(rd.snapshot()).contains(snap);
        assertThat(rd.committedEntries()).isEmpty();
        assertThat(rd.mustSync()).isTrue();
        assertThat(rd.hardState().orElseThrow().getCommit()).isEqualTo(10);
        n.advance(rd);
        assertThat(n.status().applied()).isEqualTo(10);
        assertThat(n.status().lastIndex()).isEqualTo(10);
    }

    @Test
    void localMessageTypesCannotBeStepped() {
        RawNode n = node(1, MemoryStorage.withVoters(1, 2, 3));
        for (MessageType t : new MessageType[] {MessageType.MsgHup, MessageType.MsgBeat,
                MessageType.MsgUnreachable, MessageType.MsgSnapStatus,
                MessageType.MsgCheckQuorum}) {
            assertThatThrownBy(() -> n.step(msg(t, 2, 1, 0).build()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> n.step(msg(MessageType.MsgApp, 2, 1, -1).build()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(n.hasReady()).isFalse();
    }

    @Test
    void responsesFromNonMembersAreIgnored() {
        MemoryStorage s = MemoryStorage.withVoters(1, 2, 3);
        RawNode n = node(1, s);
        n.campaign();
        n.advance(persist(n, s));
        // Two grants from strangers must not elect anybody.
        n.step(msg(MessageType.MsgVoteResp, 7, 1, 1).build());
        n.step(msg(MessageType.MsgVoteResp, 8, 1, 1).build());
        assertThat(n.status().softState().raftState()).isEqualTo(StateType.CANDIDATE);
        n.step(msg(MessageType.MsgVoteResp, 2, 1, 1).build());
        assertThat(n.status().softState().raftState()).isEqualTo(StateType.LEADER);
    }

    @Test
    void proposalWithoutLeaderIsDropped() {
        RawNode n = node(1, MemoryStorage.withVoters(1, 2, 3));
        assertThat(n.propose(ByteString.copyFromUtf8("x"))).isFalse();
        assertThat(n.hasReady()).isFalse();
    }

    @Test
    void proposalOnTheLeaderIsAppendedAndReplicated() {
        MemoryStorage s = MemoryStorage.withVoters(1);
        RawNode n = node(1, s);
        n.campaign();
        while (n.hasReady()) {
            n.advance(persist(n, s));
        }
        assertThat(n.propose(ByteString.copyFromUtf8("x"))).isTrue();
        Ready rd = persist(n, s);
        assertThat(rd.entries()).extracting(Entry::getData)
                .containsExactly(ByteString.copyFromUtf8("x"));
        n.advance(rd);
        Ready commit = persist(n, s);
        assertThat(indexes(commit.committedEntries())).containsExactly(2L);
        n.advance(commit);
    }
}
