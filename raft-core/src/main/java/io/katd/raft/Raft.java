package io.katd.raft;

import static io.katd.proto.raft.MessageType.MsgAppResp;
import static io.katd.proto.raft.MessageType.MsgPreVote;
import static io.katd.proto.raft.MessageType.MsgPreVoteResp;
import static io.katd.proto.raft.MessageType.MsgVote;
import static io.katd.proto.raft.MessageType.MsgVoteResp;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.proto.raft.ConfChange;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.EntryType;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.proto.raft.Snapshot;
import io.katd.raft.confchange.Changer;
import io.katd.raft.confchange.ConfChangeException;
import io.katd.raft.confchange.ConfChanges;
import io.katd.raft.confchange.Restore;
import io.katd.raft.quorum.VoteResult;
import io.katd.raft.tracker.Progress;
import io.katd.raft.tracker.ProgressState;
import io.katd.raft.tracker.ProgressTracker;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * The Raft protocol of one node: a deterministic state machine driven by ticks and
 * messages, whose only outputs are its log, its hard state and the messages it queues.
 * Section numbers refer to the Raft paper (Ongaro and Ousterhout, 2014) and the thesis.
 *
 * <p>Durability rule: responses that promise durable state (MsgAppResp, MsgVoteResp,
 * MsgPreVoteResp) are queued in {@link #msgsAfterAppend} and leave only with the Ready
 * that persists what they promise; those addressed to this node itself (the leader's own
 * append, a candidate's own vote) are stepped back in after that Ready is advanced.
 */
final class Raft {
    static final long NONE = 0;
    static final ByteString CAMPAIGN_TRANSFER = ByteString.copyFromUtf8("CampaignTransfer");

    enum CampaignType { PRE_ELECTION, ELECTION, TRANSFER }

    final long id;
    long term;
    long vote;
    final RaftLog raftLog;
    final ProgressTracker trk;
    StateType state = StateType.FOLLOWER;
    boolean isLearner;
    long lead = NONE;
    // The node leadership is being transferred to, or NONE.
    long leadTransferee = NONE;
    // No new conf change may be proposed until the log is applied up to this index.
    long pendingConfIndex;
    // Payload bytes of uncommitted entries in the leader's log (estimate, see 10.2.1).
    long uncommittedSize;
    ReadOnly readOnly;
    final List<ReadState> readStates = new ArrayList<>();
    List<Message> msgs = new ArrayList<>();
    List<Message> msgsAfterAppend = new ArrayList<>();
    // ReadIndex requests that arrived before the leader committed an entry of its term.
    private final List<Message> pendingReadIndexMessages = new ArrayList<>();

    // Ticks since the last election timeout reset (follower, candidate) or since the
    // last CheckQuorum round (leader).
    int electionElapsed;
    int heartbeatElapsed;
    int randomizedElectionTimeout;
    // Started from a disk that knew a term: the node may have acknowledged a leader before.
    private boolean restarted;
    // Every tick() since the node started, never reset: the leader's clock for its lease.
    // Starts at 1 so that a send tick of 0 can mean "never acknowledged".
    long ticks = 1;
    // LEASE_BASED: the acknowledged heartbeats of this leadership (see Lease).
    private Lease lease = new Lease();
    // LEASE_BASED: set once this leader sent MsgTimeoutNow in its term. The transferee's
    // election forces votes from lease-holding followers, and the message may arrive long
    // after the transfer was abandoned, so no lease of this term can be trusted again.
    private boolean leaseForfeited;

    final Config config;
    private final Logger log;

    Raft(Config config, Storage storage) {
        this.config = config;
        this.id = config.id();
        this.log = config.logger();
        this.raftLog = new RaftLog(storage, config.maxCommittedBytesPerReady());
        this.trk = new ProgressTracker(config.maxInflightMsgs(), config.maxInflightBytes());
        this.readOnly = new ReadOnly(config.readOnlyOption());
        Storage.InitialState initial = storage.initialState();
        switchToConfig(Restore.restore(trk, raftLog.lastIndex(), initial.confState()));
        ConfState restored = trk.confState();
        if (!sameMembers(restored, initial.confState())) {
            throw new IllegalStateException("restored configuration " + restored
                    + " differs from stored " + initial.confState());
        }
        if (!initial.hardState().equals(HardState.getDefaultInstance())) {
            loadState(initial.hardState());
        }
        if (config.applied() > 0) {
            raftLog.appliedTo(config.applied());
        }
        restarted = term > 0;
        becomeFollower(term, NONE);
        log.info("{} started: term={} commit={} applied={} lastIndex={} lastTerm={} config={}",
                id, term, raftLog.committed(), raftLog.applied(), raftLog.lastIndex(),
                raftLog.lastTerm(), trk.config());
    }

    private static boolean sameMembers(ConfState a, ConfState b) {
        return new java.util.TreeSet<>(a.getVotersList())
                        .equals(new java.util.TreeSet<>(b.getVotersList()))
                && new java.util.TreeSet<>(a.getLearnersList())
                        .equals(new java.util.TreeSet<>(b.getLearnersList()))
                && new java.util.TreeSet<>(a.getVotersOutgoingList())
                        .equals(new java.util.TreeSet<>(b.getVotersOutgoingList()))
                && new java.util.TreeSet<>(a.getLearnersNextList())
                        .equals(new java.util.TreeSet<>(b.getLearnersNextList()))
                && a.getAutoLeave() == b.getAutoLeave();
    }

    private void loadState(HardState hs) {
        if (hs.getCommit() < raftLog.committed() || hs.getCommit() > raftLog.lastIndex()) {
            throw new IllegalStateException("hard state commit " + hs.getCommit()
                    + " is out of range [" + raftLog.committed() + ", " + raftLog.lastIndex()
                    + "]; the log was truncated or lost");
        }
        raftLog.commitTo(hs.getCommit());
        term = hs.getTerm();
        vote = hs.getVote();
    }

    SoftState softState() {
        return new SoftState(lead, state);
    }

    HardState hardState() {
        return HardState.newBuilder().setTerm(term).setVote(vote)
                .setCommit(raftLog.committed()).build();
    }

    // ---- sending ------------------------------------------------------------------

    /** Queues a message; stamps sender and, for most types, the current term. */
    private void send(Message.Builder m) {
        if (m.getFrom() == NONE) {
            m.setFrom(id);
        }
        MessageType t = m.getType();
        if (t == MsgVote || t == MsgVoteResp || t == MsgPreVote || t == MsgPreVoteResp) {
            // Vote messages carry the term they are about, which may differ from ours.
            if (m.getTerm() == 0) {
                throw new IllegalStateException("term must be set for " + t);
            }
        } else {
            if (m.getTerm() != 0) {
                throw new IllegalStateException("term must not be set for " + t);
            }
            // Proposals and read requests are forwarded without a term, as local requests.
            if (t != MessageType.MsgProp && t != MessageType.MsgReadIndex) {
                m.setTerm(term);
            }
        }
        if (t == MsgAppResp || t == MsgVoteResp || t == MsgPreVoteResp) {
            msgsAfterAppend.add(m.build());
        } else {
            if (m.getTo() == id) {
                throw new IllegalStateException("message must not be self-addressed: " + t);
            }
            msgs.add(m.build());
        }
    }

    void sendAppend(long to) {
        maybeSendAppend(to, true);
    }

    /**
     * Sends a MsgApp with new entries to {@code to}, or an empty one carrying the commit
     * index when {@code sendIfEmpty}; falls back to a snapshot when the entries it needs
     * were compacted. Returns whether a message was sent.
     */
    boolean maybeSendAppend(long to, boolean sendIfEmpty) {
        Progress pr = trk.progress(to);
        if (pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next() - 1;
        long prevTerm;
        List<Entry> ents;
        try {
            prevTerm = raftLog.term(prevIndex);
            ents = raftLog.entries(pr.next(), config.maxMsgBytes());
        } catch (StorageException.Compacted e) {
            return maybeSendSnapshot(to, pr);
        }
        if (ents.isEmpty() && !sendIfEmpty) {
            return false;
        }
        send(Message.newBuilder().setType(MessageType.MsgApp).setTo(to).setIndex(prevIndex)
                .setLogTerm(prevTerm).addAllEntries(ents).setCommit(raftLog.committed()));
        long last = ents.isEmpty() ? prevIndex : ents.get(ents.size() - 1).getIndex();
        pr.sentEntries(ents.size(), Entries.payloadSize(ents), last);
        return true;
    }

    private boolean maybeSendSnapshot(long to, Progress pr) {
        if (!pr.recentActive()) {
            log.debug("{} not sending snapshot to {}: not recently active", id, to);
            return false;
        }
        Snapshot snapshot;
        try {
            snapshot = raftLog.snapshot();
        } catch (StorageException.SnapshotTemporarilyUnavailable e) {
            log.debug("{} failed to send snapshot to {}: temporarily unavailable", id, to);
            return false;
        }
        long index = snapshot.getMetadata().getIndex();
        if (index == 0) {
            throw new IllegalStateException("need a non-empty snapshot to send to " + to);
        }
        log.debug("{} sends snapshot [index {}, term {}] to {} [{}]", id, index,
                snapshot.getMetadata().getTerm(), to, pr);
        pr.becomeSnapshot(index);
        send(Message.newBuilder().setType(MessageType.MsgSnap).setTo(to).setSnapshot(snapshot));
        return true;
    }

    private void sendHeartbeat(long to, ByteString ctx) {
        // A follower may not have the leader's commit index in its log yet (5.3): never
        // tell it to commit beyond what it is known to have.
        long commit = Math.min(trk.progress(to).match(), raftLog.committed());
        Message.Builder m = Message.newBuilder().setType(MessageType.MsgHeartbeat).setTo(to)
                .setCommit(commit);
        if (ctx != null) {
            m.setContext(ctx);
        }
        send(m);
    }

    void bcastAppend() {
        trk.visit((to, pr) -> {
            if (to != id) {
                sendAppend(to);
            }
        });
    }

    void bcastHeartbeat() {
        ByteString ctx = readOnly.lastPendingRequestCtx();
        bcastHeartbeatWithCtx(ctx);
    }

    private void bcastHeartbeatWithCtx(ByteString requestCtx) {
        // In lease mode every heartbeat carries its send tick, so that its acks can renew
        // the lease; the read request it confirms, if any, rides behind the stamp.
        ByteString ctx = readOnly.option() == ReadOnlyOption.LEASE_BASED
                ? Lease.encode(ticks, requestCtx) : requestCtx;
        trk.visit((to, pr) -> {
            if (to != id) {
                sendHeartbeat(to, ctx);
            }
        });
    }

    // ---- log ----------------------------------------------------------------------

    /** Whether the quorum's match index moved the commit index. */
    boolean maybeCommit() {
        return raftLog.maybeCommit(trk.committed(), term);
    }

    /**
     * Appends entries to the leader's log. The leader counts its own copy toward the
     * commit quorum only once the entries are durable: the self-addressed MsgAppResp is
     * stepped back in after the Ready carrying them is advanced.
     */
    boolean appendEntry(List<Entry> es) {
        long li = raftLog.lastIndex();
        List<Entry> stamped = new ArrayList<>(es.size());
        for (int i = 0; i < es.size(); i++) {
            stamped.add(es.get(i).toBuilder().setTerm(term).setIndex(li + 1 + i).build());
        }
        if (!increaseUncommittedSize(stamped)) {
            log.warn("{} appending new entries to log would exceed uncommitted entry size "
                    + "limit; dropping proposal", id);
            return false;
        }
        li = raftLog.append(stamped);
        selfAck(li);
        return true;
    }

    /**
     * Queues the leader's acknowledgement of its own log up to {@code index}. An ack
     * covers every earlier index, so a pending self-ack of this term is replaced rather
     * than joined by another: one self-ack per Ready however many proposals it holds.
     */
    private void selfAck(long index) {
        for (int i = msgsAfterAppend.size() - 1; i >= 0; i--) {
            Message m = msgsAfterAppend.get(i);
            if (m.getTo() == id && m.getType() == MsgAppResp && m.getTerm() == term) {
                msgsAfterAppend.remove(i);
                break;
            }
        }
        send(Message.newBuilder().setType(MsgAppResp).setTo(id).setIndex(index));
    }

    private boolean increaseUncommittedSize(List<Entry> ents) {
        long s = Entries.payloadSize(ents);
        // An empty payload (the leader's first entry, a leave-joint change) always fits,
        // and so does any proposal while nothing is uncommitted, so a large entry is
        // never starved.
        if (uncommittedSize > 0 && s > 0 && uncommittedSize + s > config.uncommittedBytesLimit()) {
            return false;
        }
        uncommittedSize += s;
        return true;
    }

    void reduceUncommittedSize(long s) {
        uncommittedSize = s > uncommittedSize ? 0 : uncommittedSize - s;
    }

    boolean committedEntryInCurrentTerm() {
        return raftLog.termOrZero(raftLog.committed()) == term;
    }

    // ---- transitions --------------------------------------------------------------

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            vote = NONE;
        }
        lead = NONE;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        resetRandomizedElectionTimeout();
        abortLeaderTransfer();
        trk.resetVotes();
        long last = raftLog.lastIndex();
        List<Long> ids = new ArrayList<>(trk.progressMap().keySet());
        java.util.Map<Long, Progress> fresh = new java.util.TreeMap<>();
        for (long pid : ids) {
            Progress old = trk.progress(pid);
            Progress pr = new Progress(0, last + 1, trk.newInflights(), old.isLearner());
            if (pid == id) {
                pr.maybeUpdate(last);
            }
            fresh.put(pid, pr);
        }
        trk.reset(trk.config(), fresh);
        pendingConfIndex = 0;
        uncommittedSize = 0;
        readOnly = new ReadOnly(config.readOnlyOption());
        lease = new Lease();
        leaseForfeited = false;
    }

    private void resetRandomizedElectionTimeout() {
        randomizedElectionTimeout = config.electionTicks()
                + config.random().nextInt(config.electionTicks());
    }

    void becomeFollower(long newTerm, long newLead) {
        reset(newTerm);
        lead = newLead;
        state = StateType.FOLLOWER;
        log.info("{} became follower at term {}", id, term);
    }

    void becomeCandidate() {
        if (state == StateType.LEADER) {
            throw new IllegalStateException("invalid transition [leader -> candidate]");
        }
        reset(term + 1);
        vote = id;
        state = StateType.CANDIDATE;
        log.info("{} became candidate at term {}", id, term);
    }

    void becomePreCandidate() {
        if (state == StateType.LEADER) {
            throw new IllegalStateException("invalid transition [leader -> pre-candidate]");
        }
        // A pre-candidate changes neither its term nor its vote (thesis 9.6).
        trk.resetVotes();
        lead = NONE;
        state = StateType.PRE_CANDIDATE;
        log.info("{} became pre-candidate at term {}", id, term);
    }

    void becomeLeader() {
        if (state == StateType.FOLLOWER) {
            throw new IllegalStateException("invalid transition [follower -> leader]");
        }
        reset(term);
        lead = id;
        state = StateType.LEADER;
        Progress self = trk.progress(id);
        self.becomeReplicate();
        self.setRecentActive(true);
        // Conf changes in the log that may not be applied yet: no new one until they are.
        pendingConfIndex = raftLog.lastIndex();
        // An empty entry of the new term lets the leader commit everything before it
        // (5.4.2) and learn the commit index promptly.
        if (!appendEntry(List.of(Entry.getDefaultInstance()))) {
            throw new IllegalStateException("empty entry was dropped");
        }
        log.info("{} became leader at term {}", id, term);
    }

    private void abortLeaderTransfer() {
        leadTransferee = NONE;
    }

    // ---- ticks --------------------------------------------------------------------

    void tick() {
        ticks++;
        switch (state) {
            case FOLLOWER, CANDIDATE, PRE_CANDIDATE -> tickElection();
            case LEADER -> tickHeartbeat();
        }
    }

    private void tickElection() {
        electionElapsed++;
        if (promotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            step(local(MessageType.MsgHup));
        }
    }

    private void tickHeartbeat() {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= config.electionTicks()) {
            electionElapsed = 0;
            if (config.checkQuorum()) {
                step(local(MessageType.MsgCheckQuorum));
            }
            // A transfer that did not complete within an election timeout is abandoned.
            if (state == StateType.LEADER && leadTransferee != NONE) {
                abortLeaderTransfer();
            }
        }
        if (state != StateType.LEADER) {
            return;
        }
        if (heartbeatElapsed >= config.heartbeatTicks()) {
            heartbeatElapsed = 0;
            step(local(MessageType.MsgBeat));
        }
    }

    private Message local(MessageType type) {
        return Message.newBuilder().setType(type).setFrom(id).build();
    }

    /** Whether this node may become leader: a voter with no snapshot waiting. */
    boolean promotable() {
        Progress pr = trk.progress(id);
        return pr != null && !pr.isLearner() && !raftLog.hasPendingSnapshot();
    }

    // ---- elections ----------------------------------------------------------------

    private void hup(CampaignType t) {
        if (state == StateType.LEADER) {
            log.debug("{} ignoring MsgHup because already leader", id);
            return;
        }
        if (!promotable()) {
            log.warn("{} is unpromotable and can not campaign", id);
            return;
        }
        if (hasUnappliedConfChanges()) {
            log.warn("{} cannot campaign at term {}: committed conf changes are not applied",
                    id, term);
            return;
        }
        log.info("{} is starting a new election at term {}", id, term);
        campaign(t);
    }

    private boolean hasUnappliedConfChanges() {
        if (raftLog.applied() >= raftLog.committed()) {
            return false;
        }
        long lo = raftLog.applied() + 1;
        long hi = raftLog.committed() + 1;
        while (lo < hi) {
            List<Entry> page = raftLog.slice(lo, hi, config.maxCommittedBytesPerReady());
            for (Entry e : page) {
                if (e.getType() != EntryType.EntryNormal) {
                    return true;
                }
            }
            lo += page.size();
        }
        return false;
    }

    void campaign(CampaignType t) {
        if (!promotable()) {
            log.warn("{} is unpromotable; campaign() should have been avoided", id);
            return;
        }
        long voteTerm;
        MessageType voteMsg;
        if (t == CampaignType.PRE_ELECTION) {
            becomePreCandidate();
            voteMsg = MsgPreVote;
            // A pre-vote asks about the term the node would use in a real election.
            voteTerm = term + 1;
        } else {
            becomeCandidate();
            voteMsg = MsgVote;
            voteTerm = term;
        }
        for (long voter : trk.config().voters().ids()) {
            if (voter == id) {
                // Our own vote counts once it is durable: stepped back in after advance.
                send(Message.newBuilder().setType(voteResponseType(voteMsg)).setTo(id)
                        .setTerm(voteTerm));
                continue;
            }
            log.info("{} [logterm: {}, index: {}] sent {} request to {} at term {}", id,
                    raftLog.lastTerm(), raftLog.lastIndex(), voteMsg, voter, term);
            Message.Builder m = Message.newBuilder().setType(voteMsg).setTo(voter)
                    .setTerm(voteTerm).setIndex(raftLog.lastIndex())
                    .setLogTerm(raftLog.lastTerm());
            if (t == CampaignType.TRANSFER) {
                m.setContext(CAMPAIGN_TRANSFER);
            }
            send(m);
        }
    }

    private static MessageType voteResponseType(MessageType voteMsg) {
        return voteMsg == MsgVote ? MsgVoteResp : MsgPreVoteResp;
    }

    private ProgressTracker.Tally poll(long from, MessageType t, boolean granted) {
        if (granted) {
            log.info("{} received {} from {} at term {}", id, t, from, term);
        } else {
            log.info("{} received {} rejection from {} at term {}", id, t, from, term);
        }
        trk.recordVote(from, granted);
        return trk.tallyVotes();
    }

    // ---- step ---------------------------------------------------------------------

    /**
     * Steps one message into the protocol. Returns false only when a proposal was
     * dropped; every other message is either handled or ignored.
     */
    boolean step(Message m) {
        if (m.getTerm() > term) {
            if (!handleHigherTerm(m)) {
                return true;
            }
        } else if (m.getTerm() != 0 && m.getTerm() < term) {
            handleLowerTerm(m);
            return true;
        }
        switch (m.getType()) {
            case MsgHup -> hup(config.preVote() ? CampaignType.PRE_ELECTION
                    : CampaignType.ELECTION);
            case MsgVote, MsgPreVote -> handleVoteRequest(m);
            default -> {
                return switch (state) {
                    case LEADER -> stepLeader(m);
                    case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
                    case FOLLOWER -> stepFollower(m);
                };
            }
        }
        return true;
    }

    /** A message from a higher term. Returns false when it is to be ignored. */
    private boolean handleHigherTerm(Message m) {
        MessageType t = m.getType();
        if (t == MsgVote || t == MsgPreVote) {
            boolean force = m.getContext().equals(CAMPAIGN_TRANSFER);
            boolean inLease = config.checkQuorum() && (lead != NONE
                    && electionElapsed < config.electionTicks() || inStartupLease());
            if (!force && inLease) {
                // Leader stickiness: we heard from a live leader within the minimum
                // election timeout, so this candidate cannot be needed (thesis 4.2.3).
                log.info("{} [term: {}] ignored {} from {} [term: {}]: lease not expired",
                        id, term, t, m.getFrom(), m.getTerm());
                return false;
            }
        }
        if (t == MsgPreVote) {
            // Never change our term in response to a pre-vote.
            return true;
        }
        if (t == MsgPreVoteResp && !m.getReject()) {
            // The pre-candidate raises its term only once it has a quorum of these.
            return true;
        }
        log.info("{} [term: {}] received {} with higher term {} from {}", id, term, t,
                m.getTerm(), m.getFrom());
        boolean fromLeader = t == MessageType.MsgApp || t == MessageType.MsgHeartbeat
                || t == MessageType.MsgSnap;
        becomeFollower(m.getTerm(), fromLeader ? m.getFrom() : NONE);
        return true;
    }

    /**
     * LEASE_BASED: a node that restarted cannot know whether it acknowledged a leader's
     * heartbeat right before it stopped, and that leader may be counting on it for its
     * lease; so for its first {@code electionTicks} ticks it treats vote requests as a
     * follower that just heard from a leader does. Costs at most one election timeout
     * before a restarted node's vote counts. A node whose disk knew no term never
     * acknowledged anything and votes at once, as in etcd-raft.
     */
    private boolean inStartupLease() {
        return restarted && readOnly.option() == ReadOnlyOption.LEASE_BASED
                && ticks <= config.electionTicks();
    }

    private void handleLowerTerm(Message m) {
        MessageType t = m.getType();
        if ((config.checkQuorum() || config.preVote())
                && (t == MessageType.MsgHeartbeat || t == MessageType.MsgApp)) {
            // A stale leader that we ignore would never learn of the new term, and with
            // CheckQuorum or PreVote nobody else would raise it: answer so it steps down.
            send(Message.newBuilder().setType(MsgAppResp).setTo(m.getFrom()));
        } else if (t == MsgPreVote) {
            send(Message.newBuilder().setType(MsgPreVoteResp).setTo(m.getFrom()).setTerm(term)
                    .setReject(true));
        } else {
            log.debug("{} [term: {}] ignored {} from {} [term: {}]", id, term, t, m.getFrom(),
                    m.getTerm());
        }
    }

    private void handleVoteRequest(Message m) {
        // We can vote if this is a repeat of a vote we cast, if we have not voted and know
        // no leader in this term, or if this is a pre-vote for a future term.
        boolean canVote = vote == m.getFrom()
                || (vote == NONE && lead == NONE)
                || (m.getType() == MsgPreVote && m.getTerm() > term);
        MessageType resp = voteResponseType(m.getType());
        if (canVote && raftLog.isUpToDate(m.getIndex(), m.getLogTerm())) {
            log.info("{} [logterm: {}, index: {}, vote: {}] cast {} for {} at term {}", id,
                    raftLog.lastTerm(), raftLog.lastIndex(), vote, m.getType(), m.getFrom(),
                    term);
            // The response carries the request's term: for a pre-vote that is a future
            // term, and the pre-candidate checks it against the one it asked about.
            send(Message.newBuilder().setType(resp).setTo(m.getFrom()).setTerm(m.getTerm()));
            if (m.getType() == MsgVote) {
                electionElapsed = 0;
                vote = m.getFrom();
            }
        } else {
            log.info("{} [logterm: {}, index: {}, vote: {}] rejected {} from {} at term {}",
                    id, raftLog.lastTerm(), raftLog.lastIndex(), vote, m.getType(),
                    m.getFrom(), term);
            send(Message.newBuilder().setType(resp).setTo(m.getFrom()).setTerm(term)
                    .setReject(true));
        }
    }

    private boolean stepLeader(Message m) {
        switch (m.getType()) {
            case MsgBeat -> {
                bcastHeartbeat();
                return true;
            }
            case MsgCheckQuorum -> {
                checkQuorumActive();
                return true;
            }
            case MsgProp -> {
                return proposeAsLeader(m);
            }
            case MsgReadIndex -> {
                readIndexAsLeader(m);
                return true;
            }
            case MsgForgetLeader -> {
                return true;
            }
            default -> { }
        }
        Progress pr = trk.progress(m.getFrom());
        if (pr == null) {
            log.debug("{} no progress available for {}", id, m.getFrom());
            return true;
        }
        switch (m.getType()) {
            case MsgAppResp -> handleAppendResponse(m, pr);
            case MsgHeartbeatResp -> handleHeartbeatResponse(m, pr);
            case MsgSnapStatus -> handleSnapshotStatus(m, pr);
            case MsgUnreachable -> {
                // The message was probably lost: fall back to probing.
                if (pr.state() == ProgressState.REPLICATE) {
                    pr.becomeProbe();
                }
                log.debug("{} failed to send message to {}: unreachable", id, m.getFrom());
            }
            case MsgTransferLeader -> handleTransferLeader(m, pr);
            default -> { }
        }
        return true;
    }

    private void checkQuorumActive() {
        if (!trk.quorumActive()) {
            log.warn("{} stepped down to follower since quorum is not active", id);
            becomeFollower(term, NONE);
        }
        // Every member has to prove itself active again in the next round.
        trk.visit((pid, pr) -> {
            if (pid != id) {
                pr.setRecentActive(false);
            }
        });
    }

    private boolean proposeAsLeader(Message m) {
        if (m.getEntriesCount() == 0) {
            throw new IllegalArgumentException(id + " stepped an empty MsgProp");
        }
        if (trk.progress(id) == null) {
            // Removed from the configuration (and not stepped down): no new entries.
            return false;
        }
        if (leadTransferee != NONE) {
            log.debug("{} [term {}] transfer leadership to {} is in progress; dropping proposal",
                    id, term, leadTransferee);
            return false;
        }
        List<Entry> entries = new ArrayList<>(m.getEntriesList());
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.getType() == EntryType.EntryNormal) {
                continue;
            }
            if (refuseConfChange(e)) {
                entries.set(i, Entry.getDefaultInstance());
            } else {
                pendingConfIndex = raftLog.lastIndex() + i + 1;
            }
        }
        if (!appendEntry(entries)) {
            return false;
        }
        bcastAppend();
        return true;
    }

    /**
     * Whether a proposed conf change must be replaced by an empty entry: another one is
     * pending, it does not fit the joint state, or it would be invalid when applied.
     */
    private boolean refuseConfChange(Entry e) {
        ConfChangeV2 cc;
        try {
            cc = decodeConfChange(e);
        } catch (IllegalArgumentException ex) {
            log.warn("{} ignoring malformed conf change proposal: {}", id, ex.getMessage());
            return true;
        }
        boolean alreadyPending = pendingConfIndex > raftLog.applied();
        boolean alreadyJoint = trk.config().voters().isJoint();
        boolean wantsLeaveJoint = ConfChanges.leaveJoint(cc);
        String refused = null;
        if (alreadyPending) {
            refused = "possible unapplied conf change at index " + pendingConfIndex
                    + " (applied to " + raftLog.applied() + ")";
        } else if (alreadyJoint && !wantsLeaveJoint) {
            refused = "must transition out of joint configuration first";
        } else if (!alreadyJoint && wantsLeaveJoint) {
            refused = "not in joint state; refusing empty conf change";
        } else {
            try {
                changerFor(cc, new Changer(trk, raftLog.lastIndex()));
            } catch (ConfChangeException ex) {
                refused = ex.getMessage();
            }
        }
        if (refused != null) {
            log.info("{} ignoring conf change {} at config {}: {}", id, cc, trk.config(),
                    refused);
            return true;
        }
        return false;
    }

    static ConfChangeV2 decodeConfChange(Entry e) {
        try {
            if (e.getType() == EntryType.EntryConfChange) {
                return ConfChanges.toV2(ConfChange.parseFrom(e.getData()));
            }
            return ConfChangeV2.parseFrom(e.getData());
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalArgumentException("malformed conf change entry at index "
                    + e.getIndex() + ": " + ex.getMessage(), ex);
        }
    }

    private static Changer.Result changerFor(ConfChangeV2 cc, Changer changer) {
        if (ConfChanges.leaveJoint(cc)) {
            return changer.leaveJoint();
        }
        if (ConfChanges.enterJoint(cc)) {
            return changer.enterJoint(ConfChanges.autoLeave(cc), cc.getChangesList());
        }
        return changer.simple(cc.getChangesList());
    }

    private void handleAppendResponse(Message m, Progress pr) {
        pr.setRecentActive(true);
        if (m.getReject()) {
            log.debug("{} received MsgAppResp(rejected, hint: (index {}, term {})) from {} "
                    + "for index {}", id, m.getRejectHint(), m.getLogTerm(), m.getFrom(),
                    m.getIndex());
            long nextProbe = m.getRejectHint();
            if (m.getLogTerm() > 0) {
                // Skip every entry of ours whose term exceeds the follower's term at the
                // hint: none of them can match (fast backtracking, thesis 5.3 note).
                nextProbe = raftLog.findConflictByTerm(m.getRejectHint(), m.getLogTerm())
                        .index();
            }
            if (pr.maybeDecrTo(m.getIndex(), nextProbe)) {
                if (pr.state() == ProgressState.REPLICATE) {
                    pr.becomeProbe();
                }
                sendAppend(m.getFrom());
            }
            return;
        }
        boolean oldPaused = pr.isPaused();
        boolean probeMatched = pr.match() == m.getIndex() && pr.state() == ProgressState.PROBE;
        if (!pr.maybeUpdate(m.getIndex()) && !probeMatched) {
            return;
        }
        switch (pr.state()) {
            case PROBE -> pr.becomeReplicate();
            case SNAPSHOT -> {
                if (pr.match() >= pr.pendingSnapshot()) {
                    pr.becomeProbe();
                    pr.becomeReplicate();
                }
            }
            case REPLICATE -> pr.inflights().freeLE(m.getIndex());
        }
        if (maybeCommit()) {
            // The commit index moved in our term: pending reads may now be served.
            releasePendingReadIndexMessages();
            bcastAppend();
        } else if (oldPaused && m.getFrom() != id) {
            // The follower may be missing the latest commit index.
            sendAppend(m.getFrom());
        }
        if (m.getFrom() != id) {
            // Flow control may allow several messages now; send them all, but no empty ones.
            while (maybeSendAppend(m.getFrom(), false)) {
                // keep sending
            }
            if (m.getFrom() == leadTransferee && pr.match() == raftLog.lastIndex()) {
                log.info("{} sent MsgTimeoutNow to {} after it caught up", id, m.getFrom());
                sendTimeoutNow(m.getFrom());
            }
        }
    }

    private void handleHeartbeatResponse(Message m, Progress pr) {
        pr.setRecentActive(true);
        pr.setProbeSent(false);
        // The follower is alive: free a slot of a full window so a lost ack cannot stall
        // replication forever.
        if (pr.state() == ProgressState.REPLICATE && pr.inflights().full()) {
            pr.inflights().freeFirstOne();
        }
        if (pr.match() < raftLog.lastIndex()) {
            sendAppend(m.getFrom());
        }
        ByteString requestCtx = m.getContext();
        if (readOnly.option() == ReadOnlyOption.LEASE_BASED) {
            Lease.Stamp stamp = Lease.decode(m.getContext());
            if (stamp == null) {
                return;
            }
            // A stamp from our future cannot be ours: never let it extend the lease.
            if (stamp.sentAt() <= ticks) {
                lease.ack(m.getFrom(), stamp.sentAt());
            }
            requestCtx = stamp.requestCtx();
        }
        if (requestCtx.isEmpty()) {
            return;
        }
        java.util.Map<Long, Boolean> acks = readOnly.recvAck(m.getFrom(), requestCtx);
        if (acks == null || trk.config().voters().voteResult(acks) != VoteResult.WON) {
            return;
        }
        for (ReadOnly.Status rs : readOnly.advance(requestCtx)) {
            respondToReadIndex(rs.request(), rs.index());
        }
    }

    private void handleSnapshotStatus(Message m, Progress pr) {
        if (pr.state() != ProgressState.SNAPSHOT) {
            return;
        }
        if (m.getReject()) {
            // Forget the snapshot before probing, or we would probe from its index
            // although it was never applied.
            pr.becomeSnapshot(0);
            pr.becomeProbe();
            log.debug("{} snapshot to {} failed; probing [{}]", id, m.getFrom(), pr);
        } else {
            pr.becomeProbe();
            log.debug("{} snapshot to {} succeeded; probing [{}]", id, m.getFrom(), pr);
        }
        // After success wait for the follower's MsgAppResp; after failure wait for a
        // heartbeat response before trying again.
        pr.setProbeSent(true);
    }

    private void handleTransferLeader(Message m, Progress pr) {
        if (pr.isLearner()) {
            log.debug("{} is learner; ignored transferring leadership", m.getFrom());
            return;
        }
        long transferee = m.getFrom();
        if (leadTransferee != NONE) {
            if (leadTransferee == transferee) {
                log.info("{} [term {}] transfer leadership to {} is in progress, ignored",
                        id, term, transferee);
                return;
            }
            abortLeaderTransfer();
        }
        if (transferee == id) {
            log.debug("{} is already leader; ignored transferring leadership to self", id);
            return;
        }
        log.info("{} [term {}] starts to transfer leadership to {}", id, term, transferee);
        // The transfer must finish within an election timeout.
        electionElapsed = 0;
        leadTransferee = transferee;
        if (pr.match() == raftLog.lastIndex()) {
            sendTimeoutNow(transferee);
        } else {
            sendAppend(transferee);
        }
    }

    private void sendTimeoutNow(long to) {
        leaseForfeited = true;
        send(Message.newBuilder().setType(MessageType.MsgTimeoutNow).setTo(to));
    }

    private boolean stepCandidate(Message m) {
        MessageType myVoteResp = state == StateType.PRE_CANDIDATE ? MsgPreVoteResp : MsgVoteResp;
        switch (m.getType()) {
            case MsgProp -> {
                log.info("{} no leader at term {}; dropping proposal", id, term);
                return false;
            }
            case MsgApp -> {
                becomeFollower(m.getTerm(), m.getFrom());
                handleAppendEntries(m);
            }
            case MsgHeartbeat -> {
                becomeFollower(m.getTerm(), m.getFrom());
                handleHeartbeat(m);
            }
            case MsgSnap -> {
                becomeFollower(m.getTerm(), m.getFrom());
                handleSnapshot(m);
            }
            case MsgTimeoutNow -> log.debug("{} ignored MsgTimeoutNow from {} as candidate",
                    id, m.getFrom());
            default -> {
                if (m.getType() == myVoteResp) {
                    countVote(m);
                }
            }
        }
        return true;
    }

    private void countVote(Message m) {
        ProgressTracker.Tally tally = poll(m.getFrom(), m.getType(), !m.getReject());
        log.info("{} has received {} {} votes and {} vote rejections", id, tally.granted(),
                m.getType(), tally.rejected());
        if (tally.result() == VoteResult.WON) {
            if (state == StateType.PRE_CANDIDATE) {
                campaign(CampaignType.ELECTION);
            } else {
                becomeLeader();
                bcastAppend();
            }
        } else if (tally.result() == VoteResult.LOST) {
            // A pre-candidate that lost stays at its term; so does a candidate.
            becomeFollower(term, NONE);
        }
    }

    private boolean stepFollower(Message m) {
        switch (m.getType()) {
            case MsgProp -> {
                if (lead == NONE) {
                    log.info("{} no leader at term {}; dropping proposal", id, term);
                    return false;
                }
                if (config.disableProposalForwarding()) {
                    log.info("{} not forwarding to leader {} at term {}; dropping proposal", id,
                            lead, term);
                    return false;
                }
                send(m.toBuilder().setTo(lead));
            }
            case MsgApp -> {
                electionElapsed = 0;
                lead = m.getFrom();
                handleAppendEntries(m);
            }
            case MsgHeartbeat -> {
                electionElapsed = 0;
                lead = m.getFrom();
                handleHeartbeat(m);
            }
            case MsgSnap -> {
                electionElapsed = 0;
                lead = m.getFrom();
                handleSnapshot(m);
            }
            case MsgTransferLeader -> {
                if (lead == NONE) {
                    log.info("{} no leader at term {}; dropping leader transfer msg", id, term);
                } else {
                    send(m.toBuilder().setTo(lead));
                }
            }
            case MsgForgetLeader -> forgetLeader();
            case MsgTimeoutNow -> {
                log.info("{} [term {}] received MsgTimeoutNow from {} and starts an election",
                        id, term, m.getFrom());
                // A transfer never uses pre-vote: the leader asked for this election.
                hup(CampaignType.TRANSFER);
            }
            case MsgReadIndex -> {
                if (lead == NONE) {
                    log.info("{} no leader at term {}; dropping index reading msg", id, term);
                } else {
                    send(m.toBuilder().setTo(lead));
                }
            }
            case MsgReadIndexResp -> {
                if (m.getEntriesCount() != 1) {
                    log.error("{} invalid format of MsgReadIndexResp from {}, entries count: {}",
                            id, m.getFrom(), m.getEntriesCount());
                } else {
                    readStates.add(new ReadState(m.getIndex(), m.getEntries(0).getData()));
                }
            }
            default -> { }
        }
        return true;
    }

    private void forgetLeader() {
        if (readOnly.option() == ReadOnlyOption.LEASE_BASED) {
            // Forgetting the leader would break the lease the leader relies on.
            log.error("{} ignoring MsgForgetLeader due to ReadOnlyLeaseBased", id);
            return;
        }
        if (lead != NONE) {
            log.info("{} forgetting leader {} at term {}", id, lead, term);
            lead = NONE;
        }
    }

    private void handleAppendEntries(Message m) {
        if (m.getIndex() < raftLog.committed()) {
            send(Message.newBuilder().setType(MsgAppResp).setTo(m.getFrom())
                    .setIndex(raftLog.committed()));
            return;
        }
        long lastNew = raftLog.maybeAppend(m.getIndex(), m.getLogTerm(), m.getCommit(),
                m.getEntriesList());
        if (lastNew >= 0) {
            send(Message.newBuilder().setType(MsgAppResp).setTo(m.getFrom()).setIndex(lastNew));
            return;
        }
        // Our log does not have (index, logTerm). Hint the largest index at or below it
        // whose term is at most logTerm: the leader's log cannot match above it, and the
        // leader can skip whole terms at once.
        long hintIndex = Math.min(m.getIndex(), raftLog.lastIndex());
        RaftLog.Conflict hint = raftLog.findConflictByTerm(hintIndex, m.getLogTerm());
        log.debug("{} [logterm: {}, index: {}] rejected MsgApp [logterm: {}, index: {}] from {}",
                id, raftLog.termOrZero(m.getIndex()), m.getIndex(), m.getLogTerm(),
                m.getIndex(), m.getFrom());
        send(Message.newBuilder().setType(MsgAppResp).setTo(m.getFrom()).setIndex(m.getIndex())
                .setReject(true).setRejectHint(hint.index()).setLogTerm(hint.term()));
    }

    private void handleHeartbeat(Message m) {
        raftLog.commitTo(m.getCommit());
        send(Message.newBuilder().setType(MessageType.MsgHeartbeatResp).setTo(m.getFrom())
                .setContext(m.getContext()));
    }

    private void handleSnapshot(Message m) {
        long index = m.getSnapshot().getMetadata().getIndex();
        long snapTerm = m.getSnapshot().getMetadata().getTerm();
        if (restore(m.getSnapshot())) {
            log.info("{} [commit: {}] restored snapshot [index: {}, term: {}]", id,
                    raftLog.committed(), index, snapTerm);
            send(Message.newBuilder().setType(MsgAppResp).setTo(m.getFrom())
                    .setIndex(raftLog.lastIndex()));
        } else {
            log.info("{} [commit: {}] ignored snapshot [index: {}, term: {}]", id,
                    raftLog.committed(), index, snapTerm);
            send(Message.newBuilder().setType(MsgAppResp).setTo(m.getFrom())
                    .setIndex(raftLog.committed()));
        }
    }

    /** Installs a snapshot from the leader; false if it was ignored. */
    boolean restore(Snapshot s) {
        long index = s.getMetadata().getIndex();
        long snapTerm = s.getMetadata().getTerm();
        if (index <= raftLog.committed()) {
            return false;
        }
        if (state != StateType.FOLLOWER) {
            // Only a leader of our term sends snapshots, and that makes us a follower
            // first; anything else is a bug somewhere. Do not install it.
            log.warn("{} attempted to restore snapshot as {}; should never happen", id, state);
            becomeFollower(term + 1, NONE);
            return false;
        }
        ConfState cs = s.getMetadata().getConfState();
        boolean member = cs.getVotersList().contains(id) || cs.getLearnersList().contains(id)
                || cs.getVotersOutgoingList().contains(id);
        if (!member) {
            log.warn("{} attempted to restore snapshot but it is not in the ConfState {}", id,
                    cs);
            return false;
        }
        if (raftLog.matchTerm(index, snapTerm)) {
            // We already have the snapshot's last entry: just move the commit index.
            log.info("{} [commit: {}] fast-forwarded commit to snapshot [index: {}, term: {}]",
                    id, raftLog.committed(), index, snapTerm);
            raftLog.commitTo(index);
            return false;
        }
        raftLog.restore(s);
        ProgressTracker empty = new ProgressTracker(trk);
        switchToConfig(Restore.restore(empty, raftLog.lastIndex(), cs));
        return true;
    }

    // ---- reads --------------------------------------------------------------------

    private void readIndexAsLeader(Message m) {
        if (trk.isSingleton()) {
            // A single voter is its own quorum.
            respondToReadIndex(m, raftLog.committed());
            return;
        }
        if (!committedEntryInCurrentTerm()) {
            // Until an entry of our term commits, our commit index may lag behind that of
            // the previous leader (thesis 6.4): hold the request.
            pendingReadIndexMessages.add(m);
            return;
        }
        serveReadIndex(m);
    }

    private void serveReadIndex(Message m) {
        switch (readOnly.option()) {
            case SAFE -> {
                ByteString ctx = m.getEntries(0).getData();
                readOnly.addRequest(raftLog.committed(), m);
                readOnly.recvAck(id, ctx);
                bcastHeartbeatWithCtx(ctx);
            }
            case LEASE_BASED -> {
                if (leaseHeld()) {
                    respondToReadIndex(m, raftLog.committed());
                    return;
                }
                // No lease: confirm this read with a heartbeat quorum, as SAFE does,
                // rather than answer from possibly stale state or drop it.
                ByteString ctx = m.getEntries(0).getData();
                readOnly.addRequest(raftLog.committed(), m);
                readOnly.recvAck(id, ctx);
                bcastHeartbeatWithCtx(ctx);
            }
        }
    }

    /**
     * Whether this leader may answer a read from its own state: a quorum of voters
     * acknowledged a heartbeat it sent less than {@code electionTicks -
     * leaseDriftMarginTicks} of its ticks ago (see {@link ReadOnlyOption#LEASE_BASED}).
     */
    boolean leaseHeld() {
        return state == StateType.LEADER && !leaseForfeited
                && lease.held(trk.config().voters(), id, ticks, config.electionTicks(),
                        config.leaseDriftMarginTicks());
    }

    private void releasePendingReadIndexMessages() {
        if (pendingReadIndexMessages.isEmpty()) {
            return;
        }
        if (!committedEntryInCurrentTerm()) {
            throw new IllegalStateException("pending reads released before a commit in term "
                    + term);
        }
        for (Message m : pendingReadIndexMessages) {
            serveReadIndex(m);
        }
        pendingReadIndexMessages.clear();
    }

    private void respondToReadIndex(Message req, long readIndex) {
        if (req.getFrom() == NONE || req.getFrom() == id) {
            readStates.add(new ReadState(readIndex, req.getEntries(0).getData()));
            return;
        }
        send(Message.newBuilder().setType(MessageType.MsgReadIndexResp).setTo(req.getFrom())
                .setIndex(readIndex).addAllEntries(req.getEntriesList()));
    }

    // ---- configuration and application ----------------------------------------------

    ConfState applyConfChange(ConfChangeV2 cc) {
        return switchToConfig(changerFor(cc, new Changer(trk, raftLog.lastIndex())));
    }

    /**
     * Installs a new configuration and reacts to it: a leader removed or demoted steps
     * down if so configured, and a leader may commit or send more under the new quorum.
     */
    private ConfState switchToConfig(Changer.Result result) {
        trk.reset(result.config(), result.progress());
        log.info("{} switched to configuration {}", id, trk.config());
        ConfState cs = trk.confState();
        Progress self = trk.progress(id);
        isLearner = self != null && self.isLearner();
        if ((self == null || isLearner) && state == StateType.LEADER) {
            // No longer a voter: with StepDownOnRemoval step down now; otherwise keep
            // heartbeating (so followers do not campaign) but take no proposals.
            if (config.stepDownOnRemoval()) {
                becomeFollower(term, NONE);
            }
            return cs;
        }
        if (state != StateType.LEADER || cs.getVotersCount() == 0) {
            return cs;
        }
        if (maybeCommit()) {
            bcastAppend();
        } else {
            trk.visit((pid, pr) -> {
                if (pid != id) {
                    maybeSendAppend(pid, false);
                }
            });
        }
        if (leadTransferee != NONE && !trk.config().voters().contains(leadTransferee)) {
            abortLeaderTransfer();
        }
        return cs;
    }

    /**
     * The caller applied entries up to {@code index} (with {@code payloadBytes} of
     * payload). Releases the uncommitted quota, and leaves an automatic joint
     * configuration once its entry is applied.
     */
    void appliedTo(long index, long payloadBytes) {
        long oldApplied = raftLog.applied();
        long newApplied = Math.max(index, oldApplied);
        raftLog.appliedTo(newApplied);
        if (state == StateType.LEADER) {
            reduceUncommittedSize(payloadBytes);
        }
        if (trk.config().autoLeave() && newApplied >= pendingConfIndex
                && state == StateType.LEADER) {
            Entry leave = Entry.newBuilder().setType(EntryType.EntryConfChangeV2)
                    .setData(ConfChangeV2.getDefaultInstance().toByteString()).build();
            Message m = Message.newBuilder().setType(MessageType.MsgProp).setFrom(id)
                    .addEntries(leave).build();
            if (step(m)) {
                log.info("{} initiating automatic transition out of joint configuration {}",
                        id, trk.config());
            } else {
                log.debug("{} not leaving joint configuration {} yet", id, trk.config());
            }
        }
    }

    void appliedSnapshot(Snapshot snap) {
        raftLog.appliedTo(snap.getMetadata().getIndex());
    }

    /** Cheap invariants, checked after every input. */
    void checkInvariants() {
        long committed = raftLog.committed();
        if (raftLog.applied() > committed) {
            throw new IllegalStateException(
                    "applied " + raftLog.applied() + " > committed " + committed);
        }
        if (committed > raftLog.lastIndex()) {
            throw new IllegalStateException(
                    "committed " + committed + " > last index " + raftLog.lastIndex());
        }
        if (state == StateType.LEADER && lead != id) {
            throw new IllegalStateException("leader " + id + " has lead " + lead);
        }
        if (state == StateType.CANDIDATE && vote != id) {
            throw new IllegalStateException("candidate " + id + " voted for " + vote);
        }
    }
}
