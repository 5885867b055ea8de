package io.katd.raft;

import static io.katd.raft.RaftLogTest.ents;
import static io.katd.raft.UnstableLogTest.indexes;
import static io.katd.raft.UnstableLogTest.terms;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.raft.tracker.ProgressState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One test per rule of the Raft paper (Ongaro and Ousterhout, "In Search of an
 * Understandable Consensus Algorithm", extended version), sections 5.1 to 5.4. Each test
 * quotes the sentence it checks and drives {@link Raft} with hand-built messages.
 */
class RaftPaperTest {
    private static final int ELECTION_TICKS = 10;
    private static final int HEARTBEAT_TICKS = 2;

    /** One node and its storage, processed the way the Ready contract demands. */
    static final class Peer {
        final Raft raft;
        final MemoryStorage storage;

        Peer(long id, MemoryStorage storage) {
            this.storage = storage;
            this.raft = new Raft(Config.builder(id).electionTicks(ELECTION_TICKS)
                    .heartbeatTicks(HEARTBEAT_TICKS).random(new SplittableRandom(id)).build(),
                    storage);
        }

        /**
         * Persists what the node appended, steps its self-addressed responses back in
         * (they count only once durable) and returns the messages for other nodes.
         */
        List<Message> flush() {
            List<Message> out = new ArrayList<>();
            while (true) {
                RaftLog log = raft.raftLog;
                List<Entry> unstable = log.unstableEntries();
                if (!unstable.isEmpty()) {
                    storage.append(unstable);
                    Entry last = unstable.get(unstable.size() - 1);
                    log.stableTo(last.getIndex(), last.getTerm());
                }
                storage.setHardState(raft.hardState());
                out.addAll(raft.msgs);
                List<Message> self = new ArrayList<>();
                for (Message m : raft.msgsAfterAppend) {
                    (m.getTo() == raft.id ? self : out).add(m);
                }
                raft.msgs = new ArrayList<>();
                raft.msgsAfterAppend = new ArrayList<>();
                if (self.isEmpty()) {
                    return out;
                }
                self.forEach(raft::step);
            }
        }

        List<Message> step(Message m) {
            raft.step(m);
            return flush();
        }

        List<Message> tick() {
            raft.tick();
            return flush();
        }

        List<Long> logTerms() {
            return terms(raft.raftLog.allEntries());
        }
    }

    static long[] ids(int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i + 1;
        }
        return ids;
    }

    /** Storage holding entries 1.. with the given terms, with current term {@code term}. */
    static MemoryStorage storage(long[] voters, long term, long... entryTerms) {
        MemoryStorage s = MemoryStorage.withVoters(voters);
        s.append(ents(1, entryTerms));
        s.setHardState(HardState.newBuilder().setTerm(term).build());
        return s;
    }

    static Peer peer(long id, long... voters) {
        return new Peer(id, MemoryStorage.withVoters(voters));
    }

    /** Node 1 as leader of a fresh cluster of the given size, its first entry persisted. */
    static Peer leader(int size) {
        Peer p = peer(1, ids(size));
        elect(p);
        p.flush();
        return p;
    }

    /** Makes the node leader of the next term as winning an election would. */
    static void elect(Peer p) {
        p.raft.becomeCandidate();
        p.raft.becomeLeader();
        p.raft.bcastAppend();
        p.raft.bcastAppend();
    }

    /** Like {@link #leader}, with every follower acknowledging the first entry. */
    static Peer leaderWithReplicatingFollowers(int size) {
        Peer p = leader(size);
        for (long id = 2; id <= size; id++) {
            p.step(appResp(id, 1, p.raft.term, 1));
            assertThat(p.raft.trk.progress(id).state()).isEqualTo(ProgressState.REPLICATE);
        }
        return p;
    }

    static Message.Builder msg(MessageType type, long from, long to, long term) {
        return Message.newBuilder().setType(type).setFrom(from).setTo(to).setTerm(term);
    }

    static Message app(long from, long to, long term, long prevIndex, long prevTerm,
            long commit, List<Entry> entries) {
        return msg(MessageType.MsgApp, from, to, term).setIndex(prevIndex).setLogTerm(prevTerm)
                .setCommit(commit).addAllEntries(entries).build();
    }

    static Message appResp(long from, long to, long term, long index) {
        return msg(MessageType.MsgAppResp, from, to, term).setIndex(index).build();
    }

    static Message vote(long from, long to, long term, long lastIndex, long lastTerm) {
        return msg(MessageType.MsgVote, from, to, term).setIndex(lastIndex)
                .setLogTerm(lastTerm).build();
    }

    static Message voteResp(long from, long to, long term, boolean granted) {
        return msg(MessageType.MsgVoteResp, from, to, term).setReject(!granted).build();
    }

    static Message hup(long id) {
        return Message.newBuilder().setType(MessageType.MsgHup).setFrom(id).build();
    }

    static Message prop(long id, String data) {
        return Message.newBuilder().setType(MessageType.MsgProp).setFrom(id)
                .addEntries(Entry.newBuilder().setData(ByteString.copyFromUtf8(data))).build();
    }

    /**
     * Delivers messages, and the messages they cause, until none are left. Messages to
     * nodes missing from {@code peers} are lost. Returns every delivered message.
     */
    static List<Message> exchange(Map<Long, Peer> peers, List<Message> initial) {
        Deque<Message> queue = new ArrayDeque<>(initial);
        List<Message> delivered = new ArrayList<>();
        while (!queue.isEmpty()) {
            assertThat(delivered).as("the exchange must quiesce").hasSizeLessThan(10_000);
            Message m = queue.poll();
            Peer to = peers.get(m.getTo());
            if (to != null) {
                delivered.add(m);
                queue.addAll(to.step(m));
            }
        }
        return delivered;
    }

    static List<Message> ofType(List<Message> msgs, MessageType type) {
        return msgs.stream().filter(m -> m.getType() == type).toList();
    }

    // ---- 5.1 ------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"FOLLOWER", "CANDIDATE", "LEADER"})
    void higherTermUpdatesTermAndRevertsToFollower(StateType from) {
        // §5.1: "If one server's current term is smaller than the other's, then it updates
        // its current term to the larger value. If a candidate or leader discovers that its
        // term is out of date, it immediately reverts to follower state."
        Peer p = peer(1, 1, 2, 3);
        switch (from) {
            case FOLLOWER -> p.raft.becomeFollower(1, 2);
            case CANDIDATE -> p.raft.becomeCandidate();
            case LEADER -> elect(p);
            default -> throw new AssertionError(from);
        }
        p.flush();
        assertThat(p.raft.term).isEqualTo(1);
        p.step(app(3, 1, 2, 0, 0, 0, List.of()));
        assertThat(p.raft.term).isEqualTo(2);
        assertThat(p.raft.state).isEqualTo(StateType.FOLLOWER);
        assertThat(p.raft.lead).isEqualTo(3);
    }

    @Test
    void leaderRevertsToFollowerOnAResponseOfAHigherTerm() {
        // §5.1: "Current terms are exchanged whenever servers communicate ... If a
        // candidate or leader discovers that its term is out of date, it immediately
        // reverts to follower state." A response names no leader.
        Peer p = leaderWithReplicatingFollowers(3);
        p.step(msg(MessageType.MsgAppResp, 2, 1, 4).setIndex(1).build());
        assertThat(p.raft.state).isEqualTo(StateType.FOLLOWER);
        assertThat(p.raft.term).isEqualTo(4);
        assertThat(p.raft.lead).isZero();
    }

    @Test
    void higherTermVoteRequestUpdatesTermWithoutALeader() {
        // §5.1: "If one server's current term is smaller than the other's, then it updates
        // its current term to the larger value." A candidate is not a leader, though.
        Peer p = peer(1, 1, 2, 3);
        p.raft.becomeFollower(1, 2);
        p.step(vote(3, 1, 5, 0, 0));
        assertThat(p.raft.term).isEqualTo(5);
        assertThat(p.raft.lead).isZero();
        assertThat(p.raft.vote).isEqualTo(3);
    }

    @Test
    void staleTermAppendIsRejected() {
        // §5.1: "If a server receives a request with a stale term number, it rejects the
        // request."
        Peer p = peer(1, 1, 2, 3);
        p.raft.becomeFollower(2, 3);
        List<Message> out = p.step(app(2, 1, 1, 0, 0, 1, ents(1, 1)));
        assertThat(out).isEmpty();
        assertThat(p.raft.raftLog.lastIndex()).isZero();
        assertThat(p.raft.raftLog.committed()).isZero();
        assertThat(p.raft.term).isEqualTo(2);
        assertThat(p.raft.lead).isEqualTo(3);
    }

    @Test
    void staleTermVoteRequestIsRejected() {
        // §5.1: "If a server receives a request with a stale term number, it rejects the
        // request."
        Peer p = peer(1, 1, 2, 3);
        p.raft.becomeFollower(2, 0);
        List<Message> out = p.step(vote(2, 1, 1, 5, 1));
        assertThat(ofType(out, MessageType.MsgVoteResp)).allMatch(Message::getReject);
        assertThat(p.raft.vote).isZero();
        assertThat(p.raft.term).isEqualTo(2);
    }

    // ---- 5.2 ------------------------------------------------------------------------

    @Test
    void serversStartAsFollowers() {
        // §5.2: "When servers start up, they begin as followers."
        Peer p = peer(1, 1, 2, 3);
        assertThat(p.raft.state).isEqualTo(StateType.FOLLOWER);
        assertThat(p.raft.term).isZero();
        assertThat(p.raft.lead).isZero();
    }

    @Test
    void leaderSendsPeriodicEmptyHeartbeats() {
        // §5.2: "Leaders send periodic heartbeats (AppendEntries RPCs that carry no log
        // entries) to all followers in order to maintain their authority."
        Peer p = leaderWithReplicatingFollowers(3);
        for (int round = 0; round < 3; round++) {
            for (int t = 1; t < HEARTBEAT_TICKS; t++) {
                assertThat(p.tick()).isEmpty();
            }
            List<Message> beats = p.tick();
            assertThat(beats).extracting(Message::getTo).containsExactly(2L, 3L);
            assertThat(beats).allSatisfy(m -> {
                assertThat(m.getType()).isEqualTo(MessageType.MsgHeartbeat);
                assertThat(m.getEntriesCount()).isZero();
                assertThat(m.getTerm()).isEqualTo(1);
            });
        }
    }

    @Test
    void followerStaysFollowerWhileHearingFromTheLeader() {
        // §5.2: "A server remains in follower state as long as it receives valid RPCs from
        // a leader or candidate."
        Peer p = peer(2, 1, 2, 3);
        for (int t = 0; t < 5 * ELECTION_TICKS; t++) {
            p.tick();
            p.step(msg(MessageType.MsgHeartbeat, 1, 2, 1).build());
            assertThat(p.raft.state).isEqualTo(StateType.FOLLOWER);
        }
        assertThat(p.raft.term).isEqualTo(1);
    }

    @Test
    void followerCampaignsAfterTheElectionTimeout() {
        // §5.2: "If a follower receives no communication over a period of time called the
        // election timeout, then it assumes there is no viable leader and begins an
        // election to choose a new leader."
        Peer p = peer(1, 1, 2, 3);
        int timeout = p.raft.randomizedElectionTimeout;
        for (int t = 1; t < timeout; t++) {
            assertThat(p.tick()).isEmpty();
            assertThat(p.raft.state).isEqualTo(StateType.FOLLOWER);
        }
        p.tick();
        assertThat(p.raft.state).isEqualTo(StateType.CANDIDATE);
        assertThat(p.raft.term).isEqualTo(1);
    }

    @Test
    void candidateVotesForItselfAndRequestsVotesFromAllOthers() {
        // §5.2: "To begin an election, a follower increments its current term and
        // transitions to candidate state. It then votes for itself and issues RequestVote
        // RPCs in parallel to each of the other servers in the cluster."
        Peer p = new Peer(1, storage(ids(3), 2, 1, 2));
        List<Message> out = p.step(hup(1));
        assertThat(p.raft.state).isEqualTo(StateType.CANDIDATE);
        assertThat(p.raft.term).isEqualTo(3);
        assertThat(p.raft.vote).isEqualTo(1);
        assertThat(p.storage.hardState().getVote()).isEqualTo(1);
        assertThat(out).extracting(Message::getTo).containsExactly(2L, 3L);
        assertThat(out).allSatisfy(m -> {
            assertThat(m.getType()).isEqualTo(MessageType.MsgVote);
            assertThat(m.getTerm()).isEqualTo(3);
            assertThat(m.getIndex()).isEqualTo(2);
            assertThat(m.getLogTerm()).isEqualTo(2);
        });
    }

    static Stream<Arguments> elections() {
        // cluster size, voters granting, voters rejecting, resulting state
        return Stream.of(
                Arguments.of(1, List.of(), List.of(), StateType.LEADER),
                Arguments.of(3, List.of(2L), List.of(), StateType.LEADER),
                Arguments.of(3, List.of(), List.of(), StateType.CANDIDATE),
                Arguments.of(3, List.of(), List.of(2L), StateType.CANDIDATE),
                Arguments.of(3, List.of(), List.of(2L, 3L), StateType.FOLLOWER),
                Arguments.of(5, List.of(2L, 3L), List.of(), StateType.LEADER),
                Arguments.of(5, List.of(2L), List.of(3L, 4L), StateType.CANDIDATE),
                Arguments.of(5, List.of(2L), List.of(3L, 4L, 5L), StateType.FOLLOWER),
                Arguments.of(5, List.of(), List.of(2L, 3L, 4L), StateType.FOLLOWER));
    }

    @ParameterizedTest
    @MethodSource("elections")
    void candidateWinsWithVotesFromAMajority(int size, List<Long> granting,
            List<Long> rejecting, StateType expected) {
        // §5.2: "A candidate wins an election if it receives votes from a majority of the
        // servers in the full cluster for the same term."
        Peer p = peer(1, ids(size));
        p.step(hup(1));
        granting.forEach(id -> p.step(voteResp(id, 1, 1, true)));
        rejecting.forEach(id -> p.step(voteResp(id, 1, 1, false)));
        assertThat(p.raft.state).isEqualTo(expected);
        assertThat(p.raft.term).isEqualTo(1);
    }

    @Test
    void duplicateGrantsFromOneVoterCountOnce() {
        // §5.2: "Each server will vote for at most one candidate in a given term", so a
        // repeated grant is the same vote.
        Peer p = peer(1, ids(5));
        p.step(hup(1));
        p.step(voteResp(2, 1, 1, true));
        p.step(voteResp(2, 1, 1, true));
        assertThat(p.raft.state).isEqualTo(StateType.CANDIDATE);
        p.step(voteResp(3, 1, 1, true));
        assertThat(p.raft.state).isEqualTo(StateType.LEADER);
    }

    @Test
    void eachServerVotesForAtMostOneCandidatePerTerm() {
        // §5.2: "Each server will vote for at most one candidate in a given term, on a
        // first-come-first-served basis."
        Peer p = peer(1, 1, 2, 3);
        List<Message> first = p.step(vote(2, 1, 1, 0, 0));
        List<Message> second = p.step(vote(3, 1, 1, 0, 0));
        List<Message> repeated = p.step(vote(2, 1, 1, 0, 0));
        assertThat(first).singleElement().satisfies(m -> assertThat(m.getReject()).isFalse());
        assertThat(second).singleElement().satisfies(m -> assertThat(m.getReject()).isTrue());
        assertThat(repeated).singleElement()
                .satisfies(m -> assertThat(m.getReject()).isFalse());
        assertThat(p.raft.vote).isEqualTo(2);
        assertThat(p.storage.hardState().getVote()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(value = MessageType.class, names = {"MsgApp", "MsgHeartbeat"})
    void candidateReturnsToFollowerOnAppendEntriesOfItsTerm(MessageType type) {
        // §5.2: "If the leader's term (included in its RPC) is at least as large as the
        // candidate's current term, then the candidate recognizes the leader as legitimate
        // and returns to follower state."
        Peer p = peer(1, 1, 2, 3);
        p.step(hup(1));
        p.step(msg(type, 2, 1, 1).build());
        assertThat(p.raft.state).isEqualTo(StateType.FOLLOWER);
        assertThat(p.raft.term).isEqualTo(1);
        assertThat(p.raft.lead).isEqualTo(2);
    }

    @Test
    void candidateIgnoresAppendEntriesOfAnOlderTerm() {
        // §5.2: "If the term in the RPC is smaller than the candidate's current term, then
        // the candidate rejects the RPC and continues in candidate state."
        Peer p = peer(1, 1, 2, 3);
        p.step(hup(1));
        p.step(hup(1));
        assertThat(p.raft.term).isEqualTo(2);
        p.step(app(2, 1, 1, 0, 0, 0, ents(1, 1)));
        assertThat(p.raft.state).isEqualTo(StateType.CANDIDATE);
        assertThat(p.raft.term).isEqualTo(2);
        assertThat(p.raft.raftLog.lastIndex()).isZero();
    }

    @Test
    void splitVoteTimesOutIntoANewElection() {
        // §5.2: "When this happens, each candidate will time out and start a new election
        // by incrementing its term and initiating another round of RequestVote RPCs."
        Peer p = peer(1, 1, 2, 3);
        p.step(hup(1));
        // Node 3 voted for another candidate; node 2 voted for the third one and is silent.
        p.step(voteResp(3, 1, 1, false));
        assertThat(p.raft.state).isEqualTo(StateType.CANDIDATE);
        int timeout = p.raft.randomizedElectionTimeout;
        for (int t = 1; t < timeout; t++) {
            assertThat(p.tick()).isEmpty();
        }
        List<Message> out = p.tick();
        assertThat(p.raft.state).isEqualTo(StateType.CANDIDATE);
        assertThat(p.raft.term).isEqualTo(2);
        assertThat(out).extracting(Message::getType)
                .containsExactly(MessageType.MsgVote, MessageType.MsgVote);
        assertThat(out).allSatisfy(m -> assertThat(m.getTerm()).isEqualTo(2));
    }

    @Test
    void electionTimeoutsAreRandomizedInAFixedInterval() {
        // §5.2: "Raft uses randomized election timeouts to ensure that split votes are rare
        // ... election timeouts are chosen randomly from a fixed interval."
        Peer p = peer(1, 1, 2, 3);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            p.raft.becomeFollower(p.raft.term + 1, 0);
            int timeout = p.raft.randomizedElectionTimeout;
            assertThat(timeout).isBetween(ELECTION_TICKS, 2 * ELECTION_TICKS - 1);
            seen.add(timeout);
        }
        assertThat(seen).hasSizeGreaterThan(ELECTION_TICKS / 2);
    }

    // ---- 5.3 ------------------------------------------------------------------------

    @Test
    void leaderAppendsProposalToItsLogAndReplicatesIt() {
        // §5.3: "The leader appends the command to its log as a new entry, then issues
        // AppendEntries RPCs in parallel to each of the other servers to replicate the
        // entry."
        Peer p = leaderWithReplicatingFollowers(3);
        List<Message> out = p.step(prop(1, "x"));
        Entry appended = p.raft.raftLog.allEntries().get(1);
        assertThat(appended.getIndex()).isEqualTo(2);
        assertThat(appended.getTerm()).isEqualTo(1);
        assertThat(appended.getData().toStringUtf8()).isEqualTo("x");
        assertThat(out).extracting(Message::getTo).containsExactly(2L, 3L);
        assertThat(out).allSatisfy(m -> {
            assertThat(m.getType()).isEqualTo(MessageType.MsgApp);
            assertThat(m.getIndex()).isEqualTo(1);
            assertThat(m.getLogTerm()).isEqualTo(1);
            assertThat(m.getEntriesList()).containsExactly(appended);
            assertThat(m.getCommit()).isEqualTo(1);
        });
    }

    static Stream<Arguments> replicas() {
        // cluster size, followers that acknowledged, committed
        return Stream.of(
                Arguments.of(1, 0, true),
                Arguments.of(2, 0, false),
                Arguments.of(2, 1, true),
                Arguments.of(3, 0, false),
                Arguments.of(3, 1, true),
                Arguments.of(4, 1, false),
                Arguments.of(4, 2, true),
                Arguments.of(5, 1, false),
                Arguments.of(5, 2, true),
                Arguments.of(5, 4, true));
    }

    @ParameterizedTest
    @MethodSource("replicas")
    void entryCommitsOnceReplicatedOnAMajority(int size, int acks, boolean committed) {
        // §5.3: "A log entry is committed once the leader that created the entry has
        // replicated it on a majority of the servers."
        Peer p = leader(size);
        for (long id = 2; id < 2 + acks; id++) {
            p.step(appResp(id, 1, 1, 1));
        }
        assertThat(p.raft.raftLog.committed()).isEqualTo(committed ? 1 : 0);
    }

    @Test
    void leaderSendsItsCommitIndexInLaterAppendEntries() {
        // §5.3: "The leader keeps track of the highest index it knows to be committed, and
        // it includes that index in future AppendEntries RPCs (including heartbeats) so
        // that the other servers eventually find out."
        Peer p = leaderWithReplicatingFollowers(3);
        p.step(prop(1, "x"));
        List<Message> out = p.step(appResp(2, 1, 1, 2));
        assertThat(p.raft.raftLog.committed()).isEqualTo(2);
        assertThat(ofType(out, MessageType.MsgApp)).extracting(Message::getTo)
                .containsExactly(2L, 3L);
        assertThat(out).allSatisfy(m -> assertThat(m.getCommit()).isEqualTo(2));
    }

    @Test
    void commitIncludesEntriesOfPreviousLeaders() {
        // §5.3: "This also commits all preceding entries in the leader's log, including
        // entries created by previous leaders."
        Peer p = new Peer(1, storage(ids(3), 2, 1, 1, 2));
        elect(p);
        p.flush();
        assertThat(p.raft.raftLog.committed()).isZero();
        p.step(appResp(2, 1, 3, 4));
        assertThat(p.raft.raftLog.committed()).isEqualTo(4);
        assertThat(indexes(p.raft.raftLog.nextCommittedEntries()))
                .containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void followerLearnsWhatIsCommittedFromTheLeader() {
        // §5.3: "Once a follower learns that a log entry is committed, it applies the entry
        // to its local state machine (in log order)."
        Peer p = peer(2, 1, 2, 3);
        p.step(app(1, 2, 1, 0, 0, 1, ents(1, 1, 1)));
        assertThat(p.raft.raftLog.committed()).isEqualTo(1);
        assertThat(indexes(p.raft.raftLog.nextCommittedEntries())).containsExactly(1L);
        p.step(msg(MessageType.MsgHeartbeat, 1, 2, 1).setCommit(2).build());
        assertThat(p.raft.raftLog.committed()).isEqualTo(2);
        assertThat(indexes(p.raft.raftLog.nextCommittedEntries())).containsExactly(1L, 2L);
    }

    @ParameterizedTest
    @MethodSource("mismatches")
    void followerRefusesEntriesWithoutAMatchingPreviousEntry(long prevIndex, long prevTerm) {
        // §5.3: "If the follower does not find an entry in its log with the same index and
        // term, then it refuses the new entries."
        Peer p = new Peer(2, storage(ids(3), 2, 1, 1, 2));
        List<Message> out = p.step(app(1, 2, 3, prevIndex, prevTerm, 0, ents(prevIndex + 1, 3)));
        assertThat(out).singleElement().satisfies(m -> {
            assertThat(m.getType()).isEqualTo(MessageType.MsgAppResp);
            assertThat(m.getReject()).isTrue();
            assertThat(m.getIndex()).isEqualTo(prevIndex);
        });
        assertThat(p.logTerms()).containsExactly(1L, 1L, 2L);
    }

    static Stream<Arguments> mismatches() {
        // Against a log with terms [1, 1, 2]: a wrong term, and an index beyond the log.
        return Stream.of(Arguments.of(3, 3), Arguments.of(2, 2), Arguments.of(4, 2));
    }

    @Test
    void followerAcceptsEntriesAfterAMatchingPreviousEntry() {
        // §5.3: "When sending an AppendEntries RPC, the leader includes the index and term
        // of the entry in its log that immediately precedes the new entries." A match is
        // accepted and acknowledged up to the last new entry.
        Peer p = new Peer(2, storage(ids(3), 2, 1, 1, 2));
        List<Message> out = p.step(app(1, 2, 3, 3, 2, 0, ents(4, 3, 3)));
        assertThat(out).singleElement().satisfies(m -> {
            assertThat(m.getReject()).isFalse();
            assertThat(m.getIndex()).isEqualTo(5);
        });
        assertThat(p.logTerms()).containsExactly(1L, 1L, 2L, 3L, 3L);
    }

    @Test
    void followerDeletesConflictingEntriesAndAllThatFollow() {
        // §5.3: "conflicting entries in follower logs will be overwritten with entries from
        // the leader's log"; figure 2: "If an existing entry conflicts with a new one (same
        // index but different terms), delete the existing entry and all that follow it."
        Peer p = new Peer(2, storage(ids(3), 2, 1, 2, 2));
        List<Message> out = p.step(app(1, 2, 3, 1, 1, 0, ents(2, 3)));
        assertThat(p.logTerms()).containsExactly(1L, 3L);
        assertThat(p.storage.lastIndex()).isEqualTo(2);
        assertThat(out).singleElement().satisfies(m -> assertThat(m.getIndex()).isEqualTo(2));
    }

    @Test
    void followerKeepsEntriesAfterAnEntryItAlreadyHas() {
        // Figure 2, AppendEntries receiver: "Append any new entries not already in the
        // log"; only a conflict deletes. A delayed AppendEntries must not cut the log.
        Peer p = new Peer(2, storage(ids(3), 2, 1, 2, 2));
        List<Message> out = p.step(app(1, 2, 2, 1, 1, 0, ents(2, 2)));
        assertThat(p.logTerms()).containsExactly(1L, 2L, 2L);
        assertThat(out).singleElement().satisfies(m -> {
            assertThat(m.getReject()).isFalse();
            assertThat(m.getIndex()).isEqualTo(2);
        });
    }

    @Test
    void leaderRetriesWithAnEarlierEntryAfterARejection() {
        // §5.3: "After a rejection, the leader decrements nextIndex and retries the
        // AppendEntries RPC."
        Peer p = new Peer(1, storage(ids(3), 1, 1, 1, 1));
        elect(p);
        List<Message> first = p.flush();
        assertThat(first).filteredOn(m -> m.getTo() == 2).singleElement()
                .satisfies(m -> assertThat(m.getIndex()).isEqualTo(3));
        Message reject = msg(MessageType.MsgAppResp, 2, 1, 2).setIndex(3).setReject(true)
                .setRejectHint(1).setLogTerm(1).build();
        List<Message> retry = p.step(reject);
        assertThat(retry).singleElement().satisfies(m -> {
            assertThat(m.getType()).isEqualTo(MessageType.MsgApp);
            assertThat(m.getTo()).isEqualTo(2);
            assertThat(m.getIndex()).isEqualTo(1);
            assertThat(m.getLogTerm()).isEqualTo(1);
            assertThat(indexes(m.getEntriesList())).containsExactly(2L, 3L, 4L);
        });
    }

    @Test
    void leaderRetriesAppendEntriesToAFollowerThatDidNotAnswer() {
        // §5.3: "If followers crash or run slowly, or if network packets are lost, the
        // leader retries AppendEntries RPCs indefinitely until all followers eventually
        // store all log entries." The first MsgApp to node 2 was lost.
        Peer p = leader(3);
        assertThat(p.step(prop(1, "x"))).as("a probe is outstanding").isEmpty();
        for (int t = 0; t < HEARTBEAT_TICKS; t++) {
            p.tick();
        }
        List<Message> out = p.step(msg(MessageType.MsgHeartbeatResp, 2, 1, 1).build());
        assertThat(out).singleElement().satisfies(m -> {
            assertThat(m.getType()).isEqualTo(MessageType.MsgApp);
            assertThat(m.getTo()).isEqualTo(2);
            assertThat(m.getIndex()).isZero();
            assertThat(indexes(m.getEntriesList())).containsExactly(1L, 2L);
        });
    }

    static Stream<Arguments> figure7() {
        return Stream.of(
                Arguments.of("a", new long[] {1, 1, 1, 4, 4, 5, 5, 6, 6}),
                Arguments.of("b", new long[] {1, 1, 1, 4}),
                Arguments.of("c", new long[] {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6}),
                Arguments.of("d", new long[] {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7}),
                Arguments.of("e", new long[] {1, 1, 1, 4, 4, 4, 4}),
                Arguments.of("f", new long[] {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3}));
    }

    @ParameterizedTest(name = "figure 7 ({0})")
    @MethodSource("figure7")
    void leaderForcesFollowerLogsToDuplicateItsOwn(String name, long[] followerTerms) {
        // §5.3: "In Raft, the leader handles inconsistencies by forcing the followers' logs
        // to duplicate its own." The logs are those of figure 7; node 3 is down.
        long[] voters = ids(3);
        Peer leader = new Peer(1, storage(voters, 7, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6));
        long followerTerm = Arrays.stream(followerTerms).max().orElseThrow();
        Peer follower = new Peer(2, storage(voters, followerTerm, followerTerms));
        elect(leader);
        assertThat(leader.raft.term).isEqualTo(8);

        Map<Long, Peer> peers = new TreeMap<>(Map.of(1L, leader, 2L, follower));
        List<Message> delivered = exchange(peers, leader.flush());

        assertThat(follower.logTerms()).isEqualTo(leader.logTerms());
        assertThat(leader.logTerms()).containsExactly(1L, 1L, 1L, 4L, 4L, 5L, 5L, 6L, 6L, 6L,
                8L);
        assertThat(leader.raft.raftLog.committed()).isEqualTo(11);
        assertThat(follower.raft.raftLog.committed()).isEqualTo(11);
        // The reject hint lets the leader skip whole terms: one round trip finds the match.
        assertThat(delivered).filteredOn(Message::getReject).hasSizeLessThanOrEqualTo(1);
    }

    // ---- 5.4 ------------------------------------------------------------------------

    static Stream<Arguments> upToDate() {
        // The voter's log has terms [1, 1, 2]: last index 3, last term 2.
        return Stream.of(
                Arguments.of(3, 2, true),
                Arguments.of(4, 2, true),
                Arguments.of(1, 3, true),
                Arguments.of(2, 2, false),
                Arguments.of(3, 1, false),
                Arguments.of(10, 1, false),
                Arguments.of(0, 0, false));
    }

    @ParameterizedTest
    @MethodSource("upToDate")
    void voterDeniesVoteToACandidateWithALessUpToDateLog(long lastIndex, long lastTerm,
            boolean granted) {
        // §5.4.1: "the voter denies its vote if its own log is more up-to-date than that of
        // the candidate. ... If the logs have last entries with different terms, then the
        // log with the later term is more up-to-date. If the logs end with the same term,
        // then whichever log is longer is more up-to-date."
        Peer p = new Peer(1, storage(ids(3), 2, 1, 1, 2));
        List<Message> out = p.step(vote(2, 1, 3, lastIndex, lastTerm));
        assertThat(out).singleElement().satisfies(m -> {
            assertThat(m.getType()).isEqualTo(MessageType.MsgVoteResp);
            assertThat(m.getReject()).isEqualTo(!granted);
        });
        assertThat(p.raft.vote).isEqualTo(granted ? 2 : 0);
        assertThat(p.raft.term).isEqualTo(3);
    }

    @Test
    void leaderDoesNotCommitAnEntryOfAPreviousTermByCountingReplicas() {
        // §5.4.2: "Raft never commits log entries from previous terms by counting replicas.
        // Only log entries from the leader's current term are committed by counting
        // replicas." Figure 8 (c): S1 leads in term 4 and has replicated the term 2 entry
        // at index 2 on a majority (S1, S2, S3).
        long[] voters = ids(5);
        Peer s1 = new Peer(1, storage(voters, 3, 1, 2));
        elect(s1);
        s1.flush();
        assertThat(s1.raft.term).isEqualTo(4);
        s1.step(appResp(2, 1, 4, 2));
        s1.step(appResp(3, 1, 4, 2));
        assertThat(s1.raft.trk.committed()).isEqualTo(2);
        assertThat(s1.raft.raftLog.committed()).isZero();

        // §5.4.2: "once an entry from the current term has been committed in this way,
        // then all prior entries are committed indirectly".
        s1.step(appResp(2, 1, 4, 3));
        assertThat(s1.raft.raftLog.committed()).isZero();
        s1.step(appResp(3, 1, 4, 3));
        assertThat(s1.raft.raftLog.committed()).isEqualTo(3);
    }

    @Test
    void entryOfAPreviousTermOnAMajorityCanStillBeOverwritten() {
        // §5.4.2, figure 8 (d): "If S1 crashes, S5 could be elected leader (with votes from
        // S2, S3, and S4) and overwrite the entry with its own entry from term 3." This is
        // why S1 must not have counted that entry as committed.
        long[] voters = ids(5);
        Map<Long, Peer> peers = new TreeMap<>();
        peers.put(2L, new Peer(2, storage(voters, 4, 1, 2)));
        peers.put(3L, new Peer(3, storage(voters, 4, 1, 2)));
        peers.put(4L, new Peer(4, storage(voters, 4, 1)));
        Peer s5 = new Peer(5, storage(voters, 4, 1, 3));
        peers.put(5L, s5);

        exchange(peers, s5.step(hup(5)));

        assertThat(s5.raft.state).isEqualTo(StateType.LEADER);
        assertThat(s5.raft.term).isEqualTo(5);
        for (long id = 2; id <= 4; id++) {
            assertThat(peers.get(id).logTerms()).as("log of S%d", id)
                    .containsExactly(1L, 3L, 5L);
        }
        assertThat(s5.raft.raftLog.committed()).isEqualTo(3);
    }
}
