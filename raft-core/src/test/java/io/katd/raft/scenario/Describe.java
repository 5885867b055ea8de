package io.katd.raft.scenario;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.proto.raft.ConfChange;
import io.katd.proto.raft.ConfChangeSingle;
import io.katd.proto.raft.ConfChangeTransition;
import io.katd.proto.raft.ConfChangeType;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.EntryType;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.ReadState;
import io.katd.raft.Ready;
import io.katd.raft.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns protocol values into the one-line forms the scenario files expect. The forms are
 * part of every expected output, so they must stay stable: change them only together
 * with a rewrite of all scenario files.
 */
final class Describe {
    private Describe() {}

    /** {@code 1->2 MsgApp Term:1 Log:1/10 Commit:10 Entries:[1/11 EntryNormal "foo"]}. */
    static String message(Message m) {
        StringBuilder sb = new StringBuilder();
        sb.append(m.getFrom()).append("->").append(m.getTo()).append(' ').append(m.getType())
                .append(" Term:").append(m.getTerm())
                .append(" Log:").append(m.getLogTerm()).append('/').append(m.getIndex());
        MessageType t = m.getType();
        if (m.getReject()) {
            sb.append(" Rejected");
            if (t == MessageType.MsgAppResp) {
                sb.append(" (Hint: ").append(m.getRejectHint()).append(')');
            }
        }
        if (t == MessageType.MsgApp || t == MessageType.MsgHeartbeat || m.getCommit() != 0) {
            sb.append(" Commit:").append(m.getCommit());
        }
        if (m.getEntriesCount() > 0) {
            List<String> ents = new ArrayList<>();
            for (Entry e : m.getEntriesList()) {
                ents.add(entry(e));
            }
            sb.append(" Entries:[").append(String.join(", ", ents)).append(']');
        }
        if (t == MessageType.MsgSnap || m.hasSnapshot()) {
            sb.append(" Snapshot: ").append(snapshot(m.getSnapshot()));
        }
        if (!m.getContext().isEmpty()) {
            sb.append(" Context:").append(quote(m.getContext()));
        }
        return sb.toString();
    }

    /** {@code 1/11 EntryNormal "foo"} or {@code 2/5 EntryConfChangeV2 v4 l5}. */
    static String entry(Entry e) {
        String head = e.getTerm() + "/" + e.getIndex() + " " + e.getType();
        return switch (e.getType()) {
            case EntryNormal -> head + " " + quote(e.getData());
            case EntryConfChange, EntryConfChangeV2 -> {
                String cc = confChange(e);
                yield cc.isEmpty() ? head : head + " " + cc;
            }
            case UNRECOGNIZED -> head;
        };
    }

    private static String confChange(Entry e) {
        try {
            if (e.getType() == EntryType.EntryConfChange) {
                ConfChange cc = ConfChange.parseFrom(e.getData());
                return change(cc.getType(), cc.getNodeId());
            }
            return confChangeV2(ConfChangeV2.parseFrom(e.getData()));
        } catch (InvalidProtocolBufferException ex) {
            return "malformed " + quote(e.getData());
        }
    }

    /** The changes in the scenario syntax, e.g. {@code v4 l5 r1}, then the transition. */
    static String confChangeV2(ConfChangeV2 cc) {
        List<String> parts = new ArrayList<>();
        for (ConfChangeSingle c : cc.getChangesList()) {
            parts.add(change(c.getType(), c.getNodeId()));
        }
        if (cc.getTransition() == ConfChangeTransition.ConfChangeTransitionJointImplicit) {
            parts.add("transition=implicit");
        } else if (cc.getTransition() == ConfChangeTransition.ConfChangeTransitionJointExplicit) {
            parts.add("transition=explicit");
        }
        return String.join(" ", parts);
    }

    private static String change(ConfChangeType type, long id) {
        String prefix = switch (type) {
            case ConfChangeAddNode -> "v";
            case ConfChangeAddLearnerNode -> "l";
            case ConfChangeRemoveNode -> "r";
            case ConfChangeUpdateNode -> "u";
            case UNRECOGNIZED -> "?";
        };
        return prefix + id;
    }

    static String quote(ByteString data) {
        return '"' + data.toStringUtf8() + '"';
    }

    static String hardState(HardState hs) {
        return "Term:" + hs.getTerm() + " Vote:" + hs.getVote() + " Commit:" + hs.getCommit();
    }

    /** {@code Voters:[1 2 3]}, followed by the other parts only when they are not empty. */
    static String confState(ConfState cs) {
        StringBuilder sb = new StringBuilder("Voters:").append(ids(cs.getVotersList()));
        if (cs.getVotersOutgoingCount() > 0) {
            sb.append(" VotersOutgoing:").append(ids(cs.getVotersOutgoingList()));
        }
        if (cs.getLearnersCount() > 0) {
            sb.append(" Learners:").append(ids(cs.getLearnersList()));
        }
        if (cs.getLearnersNextCount() > 0) {
            sb.append(" LearnersNext:").append(ids(cs.getLearnersNextList()));
        }
        if (cs.getAutoLeave()) {
            sb.append(" AutoLeave:true");
        }
        return sb.toString();
    }

    static String ids(List<Long> ids) {
        List<String> s = new ArrayList<>();
        for (long id : ids.stream().sorted().toList()) {
            s.add(Long.toString(id));
        }
        return "[" + String.join(" ", s) + "]";
    }

    static String snapshot(Snapshot s) {
        SnapshotMetadata md = s.getMetadata();
        String out = "Index:" + md.getIndex() + " Term:" + md.getTerm() + " ConfState:"
                + confState(md.getConfState());
        return s.getData().isEmpty() ? out : out + " Data:" + quote(s.getData());
    }

    /** The Ready as indented lines; only the parts that are present appear. */
    static List<String> ready(Ready rd) {
        List<String> lines = new ArrayList<>();
        lines.add("Ready MustSync=" + rd.mustSync() + ":");
        rd.softState().ifPresent(ss ->
                lines.add("State:" + ss.raftState() + " Lead:" + ss.lead()));
        rd.hardState().ifPresent(hs -> lines.add("HardState " + hardState(hs)));
        rd.snapshot().ifPresent(s -> lines.add("Snapshot " + snapshot(s)));
        section(lines, "Entries:", rd.entries().stream().map(Describe::entry).toList());
        section(lines, "CommittedEntries:",
                rd.committedEntries().stream().map(Describe::entry).toList());
        section(lines, "Messages:", rd.messages().stream().map(Describe::message).toList());
        List<String> reads = new ArrayList<>();
        for (ReadState rs : rd.readStates()) {
            reads.add("Index:" + rs.index() + " RequestCtx:" + quote(rs.requestCtx()));
        }
        section(lines, "ReadStates:", reads);
        return lines;
    }

    private static void section(List<String> lines, String title, List<String> items) {
        if (!items.isEmpty()) {
            lines.add(title);
            lines.addAll(items);
        }
    }

    /** The leader's view of each member, one line per member in id order. */
    static List<String> progress(Map<Long, Status.PeerProgress> progress) {
        List<String> lines = new ArrayList<>();
        progress.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Status.PeerProgress p = e.getValue();
            StringBuilder sb = new StringBuilder().append(e.getKey()).append(": ")
                    .append(p.state()).append(" match=").append(p.match())
                    .append(" next=").append(p.next());
            if (p.isLearner()) {
                sb.append(" learner");
            }
            if (p.paused()) {
                sb.append(" paused");
            }
            if (p.pendingSnapshot() > 0) {
                sb.append(" pendingSnap=").append(p.pendingSnapshot());
            }
            if (!p.recentActive()) {
                sb.append(" inactive");
            }
            if (p.inflight() > 0) {
                sb.append(" inflight=").append(p.inflight());
            }
            lines.add(sb.toString());
        });
        return lines;
    }
}
