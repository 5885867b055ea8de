package io.katd.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.quorum.JointConfig;
import io.katd.raft.quorum.MajorityConfig;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * ReadOnlyLeaseBased: the leader answers from its own state only while a quorum (both
 * halves of a joint config) acknowledged a heartbeat it sent within electionTicks -
 * leaseDriftMarginTicks of its ticks; otherwise it confirms the read by a heartbeat quorum.
 * Driven on {@link Raft} directly, with time only from {@link Raft#tick()}.
 */
class LeaseReadTest {
    static final int ELECTION = 10;
    static final int MARGIN = 2;

    /** A leader of term 4 over {@code cs}, with its first entry of the term committed. */
    private static Raft leader(ConfState cs) {
        MemoryStorage s = new MemoryStorage();
        s.applySnapshot(Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder()
                .setIndex(5).setTerm(3).setConfState(cs)).build());
        Config c = Config.builder(1).random(new SplittableRandom(1)).electionTicks(ELECTION)
                .heartbeatTicks(1).checkQuorum(true).readOnlyOption(ReadOnlyOption.LEASE_BASED)
                .leaseDriftMarginTicks(MARGIN).build();
        Raft r = new Raft(c, s);
        r.becomeCandidate();
        r.becomeLeader();
        long last = r.raftLog.lastIndex();
        // The self-ack waits for persistence in real use; step it in by hand here.
        for (Message m : List.copyOf(r.msgsAfterAppend)) {
            r.step(m);
        }
        r.msgsAfterAppend.clear();
        for (long v : voters(cs)) {
            if (v != 1) {
                r.step(msg(MessageType.MsgAppResp, v, r.term).setIndex(last).build());
            }
        }
        assertThat(r.committedEntryInCurrentTerm()).isTrue();
        r.msgs.clear();
        return r;
    }

    private static List<Long> voters(ConfState cs) {
        return new java.util.TreeSet<>(new java.util.ArrayList<Long>() {
            {
                addAll(cs.getVotersList());
                addAll(cs.getVotersOutgoingList());
            }
        }).stream().toList();
    }

    private static Message.Builder msg(MessageType t, long from, long term) {
        return Message.newBuilder().setType(t).setFrom(from).setTo(1).setTerm(term);
    }

    /** Ticks once (which broadcasts heartbeats) and returns the send tick's context. */
    private static ByteString heartbeat(Raft r) {
        r.msgs.clear();
        r.tick();
        ByteString ctx = sentHeartbeatContext(r);
        r.msgs.clear();
        return ctx;
    }

    /** The context of the first heartbeat among the messages {@code r} has sent. */
    private static ByteString sentHeartbeatContext(Raft r) {
        return r.msgs.stream().filter(m -> m.getType() == MessageType.MsgHeartbeat)
                .findFirst().orElseThrow().getContext();
    }

    private static void ack(Raft r, long from, ByteString ctx) {
        r.step(msg(MessageType.MsgHeartbeatResp, from, r.term).setContext(ctx).build());
    }

    private static void read(Raft r, String ctx) {
        r.step(Message.newBuilder().setType(MessageType.MsgReadIndex).setFrom(1)
                .addEntries(Entry.newBuilder().setData(ByteString.copyFromUtf8(ctx))).build());
    }

    private static ConfState cs(List<Long> voters, List<Long> outgoing) {
        return ConfState.newBuilder().addAllVoters(voters).addAllVotersOutgoing(outgoing)
                .build();
    }

    @Test
    void aQuorumAckOfARecentHeartbeatLetsTheLeaderAnswerAtOnce() {
        Raft r = leader(cs(List.of(1L, 2L, 3L), List.of()));
        assertThat(r.leaseHeld()).as("MsgAppResp does not make a lease").isFalse();
        ByteString ctx = heartbeat(r);
        assertThat(Lease.decode(ctx)).isEqualTo(new Lease.Stamp(r.ticks, ByteString.EMPTY));
        ack(r, 2, ctx);
        assertThat(r.leaseHeld()).isTrue();
        read(r, "fast");
        assertThat(r.readStates).extracting(ReadState::requestCtx)
                .containsExactly(ByteString.copyFromUtf8("fast"));
        assertThat(r.msgs).noneMatch(m -> m.getType() == MessageType.MsgHeartbeat);
    }

    @Test
    void theLeaseEndsElectionTicksLessTheMarginAfterTheSendNotTheAck() {
        Raft r = leader(cs(List.of(1L, 2L, 3L), List.of()));
        ByteString ctx = heartbeat(r);
        long sentAt = r.ticks;
        // The ack arrives late, 3 ticks after the send: the lease still counts from the send.
        for (int i = 0; i < 3; i++) {
            r.tick();
        }
        ack(r, 2, ctx);
        while (r.ticks - sentAt < ELECTION - MARGIN - 1) {
            r.tick();
        }
        assertThat(r.leaseHeld()).isTrue();
        r.tick();
        assertThat(r.ticks - sentAt).isEqualTo(ELECTION - MARGIN);
        assertThat(r.leaseHeld()).isFalse();
        r.msgs.clear();
        read(r, "late");
        // No lease: the read goes out with a heartbeat round and is not answered yet.
        assertThat(r.readStates).isEmpty();
        assertThat(r.msgs).filteredOn(m -> m.getType() == MessageType.MsgHeartbeat)
                .extracting(m -> Lease.decode(m.getContext()).requestCtx())
                .containsOnly(ByteString.copyFromUtf8("late")).hasSize(2);
        // A quorum ack of that round answers it, and renews the lease.
        ByteString round = sentHeartbeatContext(r);
        ack(r, 3, round);
        assertThat(r.readStates).extracting(ReadState::requestCtx)
                .containsExactly(ByteString.copyFromUtf8("late"));
        assertThat(r.leaseHeld()).isTrue();
    }

    @Test
    void aStaleAckDoesNotRenewTheLease() {
        Raft r = leader(cs(List.of(1L, 2L, 3L), List.of()));
        ByteString old = heartbeat(r);
        for (int i = 0; i < ELECTION - MARGIN; i++) {
            r.tick();
        }
        // Acked only now, but sent electionTicks - margin ago: no lease.
        ack(r, 2, old);
        ack(r, 3, old);
        assertThat(r.leaseHeld()).isFalse();
        // Nor does an older ack move a voter's newer one back.
        ByteString fresh = heartbeat(r);
        ack(r, 2, fresh);
        ack(r, 2, old);
        assertThat(r.leaseHeld()).isTrue();
        // And a stamp from the future (not one this leader sent) is ignored.
        Raft r2 = leader(cs(List.of(1L, 2L, 3L), List.of()));
        ack(r2, 2, Lease.encode(r2.ticks + 100, null));
        assertThat(r2.leaseHeld()).isFalse();
    }

    @Test
    void aJointConfigNeedsBothMajorities() {
        Raft r = leader(cs(List.of(1L, 2L, 3L), List.of(1L, 4L, 5L)));
        ByteString ctx = heartbeat(r);
        ack(r, 2, ctx);
        ack(r, 3, ctx);
        assertThat(r.leaseHeld()).as("incoming majority only").isFalse();
        read(r, "joint");
        assertThat(r.readStates).isEmpty();
        ByteString round = sentHeartbeatContext(r);
        // The round itself needs both majorities too: 2 makes the incoming one, 4 the outgoing.
        ack(r, 2, round);
        assertThat(r.readStates).isEmpty();
        ack(r, 4, round);
        assertThat(r.readStates).extracting(ReadState::requestCtx)
                .containsExactly(ByteString.copyFromUtf8("joint"));
        assertThat(r.leaseHeld()).isTrue();
    }

    @Test
    void aLeaderThatSentTimeoutNowHoldsNoLeaseForTheRestOfItsTerm() {
        Raft r = leader(cs(List.of(1L, 2L, 3L), List.of()));
        ByteString ctx = heartbeat(r);
        ack(r, 2, ctx);
        assertThat(r.leaseHeld()).isTrue();
        // Node 2 is up to date: the transfer sends MsgTimeoutNow at once.
        r.step(msg(MessageType.MsgTransferLeader, 2, 0).build());
        assertThat(r.msgs).anyMatch(m -> m.getType() == MessageType.MsgTimeoutNow);
        ack(r, 2, heartbeat(r));
        assertThat(r.leaseHeld()).isFalse();
    }

    /**
     * Node 3 of {1, 2, 3}, restarted from its disk at term 4 with the given read-only
     * option: it knows no leader, and cannot know whether it acked one just before.
     */
    private static Raft restartedFollower(ReadOnlyOption option) {
        MemoryStorage s = new MemoryStorage();
        s.applySnapshot(Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder()
                .setIndex(5).setTerm(3).setConfState(cs(List.of(1L, 2L, 3L), List.of())))
                .build());
        s.setHardState(HardState.newBuilder().setTerm(4).setCommit(5).build());
        Config c = Config.builder(3).random(new SplittableRandom(1)).electionTicks(ELECTION)
                .heartbeatTicks(1).checkQuorum(true).readOnlyOption(option)
                .leaseDriftMarginTicks(MARGIN).build();
        return new Raft(c, s);
    }

    /** Steps a vote request of node 2 at {@code term}; returns node 3's answer, or null. */
    private static Message voteFor2(Raft r, long term) {
        r.msgs.clear();
        r.msgsAfterAppend.clear();
        r.step(Message.newBuilder().setType(MessageType.MsgVote).setFrom(2).setTo(3)
                .setTerm(term).setIndex(5).setLogTerm(3).build());
        return java.util.stream.Stream.concat(r.msgs.stream(), r.msgsAfterAppend.stream())
                .filter(m -> m.getType() == MessageType.MsgVoteResp)
                .findFirst().orElse(null);
    }

    @Test
    void aRestartedVoterKeepsTheLeaseItMayHaveAckedForAnElectionTimeout() {
        Raft r = restartedFollower(ReadOnlyOption.LEASE_BASED);
        for (int i = 0; i < ELECTION - 1; i++) {
            r.tick();
        }
        assertThat(voteFor2(r, 5)).as("a vote within the first election timeout").isNull();
        assertThat(r.term).isEqualTo(4);
        r.tick();
        Message granted = voteFor2(r, 6);
        assertThat(granted).as("a vote after a whole election timeout").isNotNull();
        assertThat(granted.getReject()).isFalse();
        assertThat(r.term).isEqualTo(6);
    }

    @Test
    void withoutLeaseReadsARestartedVoterVotesAtOnceAsInEtcdRaft() {
        Raft r = restartedFollower(ReadOnlyOption.SAFE);
        Message granted = voteFor2(r, 5);
        assertThat(granted).isNotNull();
        assertThat(granted.getReject()).isFalse();
    }

    @Test
    void leaseStartIsTheQuorumThHighestAckedSendTick() {
        Lease l = new Lease();
        JointConfig five = JointConfig.of(MajorityConfig.of(1, 2, 3, 4, 5));
        l.ack(2, 7);
        l.ack(3, 4);
        l.ack(4, 9);
        // Sorted descending: self 20, 9, 7, 4, 0: the third is 7.
        assertThat(l.start(five, 1, 20)).isEqualTo(7);
        assertThat(l.held(five, 1, 14, ELECTION, MARGIN)).isTrue();
        assertThat(l.held(five, 1, 15, ELECTION, MARGIN)).isFalse();
        // A single voter is its own quorum, at every tick.
        JointConfig one = JointConfig.of(MajorityConfig.of(1));
        assertThat(new Lease().held(one, 1, 1_000, ELECTION, MARGIN)).isTrue();
        // Contexts that are not lease stamps are not decoded as such.
        assertThat(Lease.decode(ByteString.copyFromUtf8("lease:x:"))).isNull();
        assertThat(Lease.decode(ByteString.copyFromUtf8("lease:12"))).isNull();
        assertThat(Lease.decode(ByteString.copyFromUtf8("r1"))).isNull();
        assertThat(Lease.decode(Lease.encode(12, ByteString.copyFromUtf8("a:b"))))
                .isEqualTo(new Lease.Stamp(12, ByteString.copyFromUtf8("a:b")));
    }
}
