package io.katd.raft;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfChange;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.EntryType;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.proto.raft.Snapshot;
import io.katd.raft.confchange.ConfChanges;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Raft node as a pure state machine. Not thread-safe: one thread owns it. Inputs are
 * {@link #tick}, {@link #step} and the proposal and control methods; all output comes
 * back as a {@link Ready}, which the caller processes and then hands to
 * {@link #advance}. At most one Ready is outstanding at a time.
 */
public final class RawNode {
    private final Raft raft;
    private SoftState prevSoftState;
    private HardState prevHardState;
    // Self-addressed responses of the outstanding Ready, stepped in on advance.
    private final List<Message> stepsOnAdvance = new ArrayList<>();
    private Ready outstanding;

    public RawNode(Config config, Storage storage) {
        this.raft = new Raft(config, storage);
        this.prevSoftState = raft.softState();
        this.prevHardState = raft.hardState();
    }

    /** Advances logical time by one tick: election and heartbeat timeouts count ticks. */
    public void tick() {
        raft.tick();
        raft.checkInvariants();
    }

    /** Starts an election now (pre-vote first when enabled). */
    public void campaign() {
        raft.step(local(MessageType.MsgHup).build());
        raft.checkInvariants();
    }

    /**
     * Proposes data to be appended to the log. Returns false when the proposal was
     * dropped here (no leader, transfer in progress, uncommitted limit reached,
     * forwarding disabled); true means appended or forwarded, not committed.
     */
    public boolean propose(ByteString data) {
        return stepLocal(local(MessageType.MsgProp)
                .addEntries(Entry.newBuilder().setData(data)).build());
    }

    /**
     * Proposes several entries in one message: they are appended together (or dropped
     * together) and replicated in as few MsgApps as the size limit allows. This is how a
     * runtime that collects proposals between two Readies amortises their cost.
     */
    public boolean proposeBatch(List<ByteString> data) {
        if (data.isEmpty()) {
            throw new IllegalArgumentException("empty proposal batch");
        }
        Message.Builder m = local(MessageType.MsgProp);
        for (ByteString d : data) {
            m.addEntries(Entry.newBuilder().setData(d));
        }
        return stepLocal(m.build());
    }

    /** Proposes a membership change; applied only once committed, via applyConfChange. */
    public boolean proposeConfChange(ConfChangeV2 cc) {
        return stepLocal(local(MessageType.MsgProp).addEntries(Entry.newBuilder()
                .setType(EntryType.EntryConfChangeV2).setData(cc.toByteString())).build());
    }

    /** Proposes a single-step membership change in the V1 format. */
    public boolean proposeConfChange(ConfChange cc) {
        return stepLocal(local(MessageType.MsgProp).addEntries(Entry.newBuilder()
                .setType(EntryType.EntryConfChange).setData(cc.toByteString())).build());
    }

    /**
     * Applies a committed membership change; the caller must call this for every
     * conf-change entry it applies. Returns the resulting configuration.
     */
    public ConfState applyConfChange(ConfChangeV2 cc) {
        ConfState cs = raft.applyConfChange(cc);
        raft.checkInvariants();
        return cs;
    }

    public ConfState applyConfChange(ConfChange cc) {
        return applyConfChange(ConfChanges.toV2(cc));
    }

    /**
     * Steps a message received from a peer. Local message types are refused; responses
     * from nodes that are not members are ignored.
     */
    public void step(Message m) {
        if (isLocal(m.getType())) {
            throw new IllegalArgumentException("cannot step local message " + m.getType());
        }
        if (m.getTerm() < 0 || m.getIndex() < 0 || m.getLogTerm() < 0 || m.getCommit() < 0) {
            throw new IllegalArgumentException("message with a negative term or index: "
                    + m.getType() + " from " + m.getFrom());
        }
        if (isResponse(m.getType()) && raft.trk.progress(m.getFrom()) == null) {
            return;
        }
        raft.step(m);
        raft.checkInvariants();
    }

    /**
     * Requests a linearizable read. {@code requestCtx} must be unique per request; the
     * answer arrives as a {@link ReadState} carrying it in a later Ready.
     */
    public void readIndex(ByteString requestCtx) {
        raft.step(local(MessageType.MsgReadIndex)
                .addEntries(Entry.newBuilder().setData(requestCtx)).build());
        raft.checkInvariants();
    }

    /** Asks the leader to hand leadership to {@code transferee}. */
    public void transferLeader(long transferee) {
        raft.step(local(MessageType.MsgTransferLeader).setFrom(transferee).build());
        raft.checkInvariants();
    }

    /** Forgets the current leader, so that a vote request can be granted at once. */
    public void forgetLeader() {
        raft.step(local(MessageType.MsgForgetLeader).build());
        raft.checkInvariants();
    }

    /** The transport failed to deliver a message to {@code id}. */
    public void reportUnreachable(long id) {
        raft.step(local(MessageType.MsgUnreachable).setFrom(id).build());
    }

    /** The outcome of sending a snapshot to {@code id}. */
    public void reportSnapshot(long id, SnapshotStatus status) {
        raft.step(local(MessageType.MsgSnapStatus).setFrom(id)
                .setReject(status == SnapshotStatus.FAILURE).build());
    }

    private boolean stepLocal(Message m) {
        boolean accepted = raft.step(m);
        raft.checkInvariants();
        return accepted;
    }

    private Message.Builder local(MessageType type) {
        return Message.newBuilder().setType(type).setFrom(raft.id);
    }

    static boolean isLocal(MessageType t) {
        return switch (t) {
            case MsgHup, MsgBeat, MsgUnreachable, MsgSnapStatus, MsgCheckQuorum -> true;
            default -> false;
        };
    }

    static boolean isResponse(MessageType t) {
        return switch (t) {
            case MsgAppResp, MsgVoteResp, MsgHeartbeatResp, MsgUnreachable, MsgPreVoteResp,
                    MsgSnapStatus -> true;
            default -> false;
        };
    }

    /** Whether {@link #ready} has anything to hand out. False while a Ready is outstanding. */
    public boolean hasReady() {
        if (outstanding != null) {
            return false;
        }
        if (!raft.softState().equals(prevSoftState)) {
            return true;
        }
        if (!raft.hardState().equals(prevHardState)) {
            return true;
        }
        RaftLog log = raft.raftLog;
        return log.hasPendingSnapshot() || !log.unstable().entries().isEmpty()
                || !raft.msgs.isEmpty() || !raft.msgsAfterAppend.isEmpty()
                || log.hasNextCommittedEntries() || !raft.readStates.isEmpty();
    }

    /** Hands out the current Ready; the caller must {@link #advance} it before the next. */
    public Ready ready() {
        if (outstanding != null) {
            throw new IllegalStateException("ready() called again before advance()");
        }
        SoftState ss = raft.softState();
        HardState hs = raft.hardState();
        RaftLog log = raft.raftLog;
        List<Entry> entries = log.unstableEntries();
        Optional<Snapshot> snapshot = Optional.ofNullable(log.unstable().snapshot());
        List<Message> messages = new ArrayList<>(raft.msgs);
        for (Message m : raft.msgsAfterAppend) {
            if (m.getTo() == raft.id) {
                stepsOnAdvance.add(m);
            } else {
                messages.add(m);
            }
        }
        boolean hardStateChanged = !hs.equals(prevHardState);
        boolean mustSync = !entries.isEmpty() || snapshot.isPresent()
                || hs.getTerm() != prevHardState.getTerm()
                || hs.getVote() != prevHardState.getVote();
        Ready rd = new Ready(
                ss.equals(prevSoftState) ? Optional.empty() : Optional.of(ss),
                hardStateChanged ? Optional.of(hs) : Optional.empty(),
                raft.readStates, entries, snapshot, log.nextCommittedEntries(), messages,
                mustSync);
        raft.msgs = new ArrayList<>();
        raft.msgsAfterAppend = new ArrayList<>();
        raft.readStates.clear();
        outstanding = rd;
        return rd;
    }

    /** Plants a protocol bug the test harness must catch; for tests only (see Canary). */
    void plantCanary(Canary canary) {
        raft.raftLog.canary = canary;
    }

    /**
     * Tells the node the Ready was processed: its entries, hard state and snapshot are
     * durable and its committed entries applied.
     */
    public void advance(Ready rd) {
        if (rd != outstanding) {
            throw new IllegalStateException("advance() of a Ready that is not outstanding");
        }
        rd.softState().ifPresent(ss -> prevSoftState = ss);
        rd.hardState().ifPresent(hs -> prevHardState = hs);
        RaftLog log = raft.raftLog;
        if (!rd.entries().isEmpty()) {
            Entry last = rd.entries().get(rd.entries().size() - 1);
            log.stableTo(last.getIndex(), last.getTerm());
        }
        rd.snapshot().ifPresent(s -> {
            log.stableSnapTo(s.getMetadata().getIndex());
            raft.appliedSnapshot(s);
        });
        if (!rd.committedEntries().isEmpty()) {
            Entry last = rd.committedEntries().get(rd.committedEntries().size() - 1);
            raft.appliedTo(last.getIndex(), Entries.payloadSize(rd.committedEntries()));
        }
        outstanding = null;
        List<Message> steps = new ArrayList<>(stepsOnAdvance);
        stepsOnAdvance.clear();
        for (Message m : steps) {
            raft.step(m);
        }
        raft.checkInvariants();
    }

    public Status status() {
        Map<Long, Status.PeerProgress> progress = new TreeMap<>();
        if (raft.state == StateType.LEADER) {
            raft.trk.visit((id, pr) -> progress.put(id, new Status.PeerProgress(pr.match(),
                    pr.next(), pr.state(), pr.isLearner(), pr.isPaused(), pr.recentActive(),
                    pr.pendingSnapshot(), pr.inflights().count())));
        }
        return new Status(raft.id, raft.hardState(), raft.softState(), raft.raftLog.applied(),
                raft.raftLog.lastIndex(), raft.trk.config().toString(), progress,
                raft.leadTransferee);
    }
}
