package io.katd.raft.scenario;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfChange;
import io.katd.proto.raft.ConfChangeSingle;
import io.katd.proto.raft.ConfChangeTransition;
import io.katd.proto.raft.ConfChangeType;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.raft.SnapshotStatus;
import io.katd.raft.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The scenario commands. Each reads its arguments, drives the nodes and prints what
 * happened; a protocol error (an exception from the node) is printed as
 * {@code error: <message>} so that fail-stop behaviour can be part of a scenario.
 */
final class ScenarioCommands {
    private final ScenarioEnv env = new ScenarioEnv();
    private final NodeCommands nodeCommands = new NodeCommands(env);

    /** Runs one command line and returns its output. */
    String run(String line) {
        Command c = Command.parse(line);
        try {
            dispatch(c);
            c.checkAllRead();
        } catch (RuntimeException e) {
            env.endSection();
            env.print("error: " + e.getMessage());
        }
        return env.takeOutput();
    }

    private void dispatch(Command c) {
        switch (c.name) {
            case "add-nodes" -> nodeCommands.addNodes(c);
            case "restart" -> nodeCommands.restart(c);
            case "config-check" -> nodeCommands.configCheck(c);
            case "set-hard-state" -> nodeCommands.setHardState(c);
            case "set-snapshot-unavailable" -> nodeCommands.setSnapshotUnavailable(c);
            case "compact" -> nodeCommands.compact(c);
            case "election-timeout" -> nodeCommands.electionTimeout(c);
            case "measure-election-timeouts" -> nodeCommands.measureElectionTimeouts(c);
            case "campaign" -> env.node(c.id(0)).raw.campaign();
            case "propose" -> propose(c);
            case "propose-conf-change" -> proposeConfChange(c);
            case "tick" -> tick(c.id(0), (int) c.id(1));
            case "tick-election" -> tick(c.id(0), env.node(c.id(0)).config.electionTicks());
            case "tick-heartbeat" -> tick(c.id(0), env.node(c.id(0)).config.heartbeatTicks());
            case "transfer-leadership" -> env.node(c.requiredNumber("from")).raw
                    .transferLeader(c.requiredNumber("to"));
            case "forget-leader" -> env.node(c.id(0)).raw.forgetLeader();
            case "read-index" -> env.node(c.id(0)).raw.readIndex(
                    ByteString.copyFromUtf8(c.arg(1)));
            case "report-unreachable" -> env.node(c.id(0)).raw.reportUnreachable(c.id(1));
            case "report-snapshot" -> reportSnapshot(c);
            case "send-snapshot" -> nodeCommands.sendSnapshot(c);
            case "inject-msg" -> injectMsg(c);
            case "process-ready" -> processReady(c);
            case "ready" -> ready(c);
            case "advance" -> advance(c);
            case "deliver-msgs" -> deliverMsgs(c);
            case "stabilize" -> env.stabilize(idsOrAll(c));
            case "raft-log" -> nodeCommands.raftLog(c);
            case "raft-state" -> nodeCommands.raftState();
            case "status" -> status(c);
            case "app-state" -> nodeCommands.appState(c);
            default -> throw new AssertionError("unknown command: " + c.name);
        }
    }

    private List<Long> idsOrAll(Command c) {
        List<Long> ids = c.ids(0);
        return ids.isEmpty() ? new ArrayList<>(env.nodes.keySet()) : ids;
    }

    private void tick(long id, int ticks) {
        ScenarioNode n = env.node(id);
        for (int i = 0; i < ticks; i++) {
            n.raw.tick();
        }
    }

    private void propose(Command c) {
        ByteString data = ByteString.copyFromUtf8(c.arg(1));
        if (!env.node(c.id(0)).raw.propose(data)) {
            env.print("proposal dropped");
        }
    }

    /** {@code propose-conf-change 1 v4 l5 r2 [v1=true] [transition=auto|implicit|explicit]}. */
    private void proposeConfChange(Command c) {
        List<ConfChangeSingle> changes = new ArrayList<>();
        for (String s : c.positional.subList(1, c.positional.size())) {
            changes.add(parseChange(s));
        }
        boolean v1 = c.flag("v1");
        String transition = c.string("transition", "auto");
        boolean accepted;
        if (v1) {
            if (changes.size() != 1 || c.has("transition")) {
                throw new AssertionError("v1 takes exactly one change and no transition");
            }
            accepted = env.node(c.id(0)).raw.proposeConfChange(ConfChange.newBuilder()
                    .setType(changes.get(0).getType()).setNodeId(changes.get(0).getNodeId())
                    .build());
        } else {
            ConfChangeTransition t = switch (transition) {
                case "auto" -> ConfChangeTransition.ConfChangeTransitionAuto;
                case "implicit" -> ConfChangeTransition.ConfChangeTransitionJointImplicit;
                case "explicit" -> ConfChangeTransition.ConfChangeTransitionJointExplicit;
                default -> throw new AssertionError("unknown transition " + transition);
            };
            accepted = env.node(c.id(0)).raw.proposeConfChange(ConfChangeV2.newBuilder()
                    .setTransition(t).addAllChanges(changes).build());
        }
        if (!accepted) {
            env.print("proposal dropped");
        }
    }

    private static ConfChangeSingle parseChange(String s) {
        ConfChangeType type = switch (s.charAt(0)) {
            case 'v' -> ConfChangeType.ConfChangeAddNode;
            case 'l' -> ConfChangeType.ConfChangeAddLearnerNode;
            case 'r' -> ConfChangeType.ConfChangeRemoveNode;
            case 'u' -> ConfChangeType.ConfChangeUpdateNode;
            default -> throw new AssertionError("unknown conf change " + s);
        };
        return ConfChangeSingle.newBuilder().setType(type)
                .setNodeId(Long.parseLong(s.substring(1))).build();
    }

    private void reportSnapshot(Command c) {
        String outcome = c.arg(2);
        SnapshotStatus status = switch (outcome) {
            case "ok" -> SnapshotStatus.FINISH;
            case "fail" -> SnapshotStatus.FAILURE;
            default -> throw new AssertionError("report-snapshot takes ok or fail: " + outcome);
        };
        env.node(c.id(0)).raw.reportSnapshot(c.id(1), status);
    }

    /**
     * Steps a hand-made message straight into its recipient, for situations a well-behaved
     * cluster does not produce on cue (stale leaders, rival candidates, broken leaders).
     * {@code inject-msg from=2 to=1 type=MsgApp term=2 logterm=1 index=3 commit=3
     * entries=(2/4:x 2/5:y) reject=true hint=2 ctx=CampaignTransfer}.
     */
    private void injectMsg(Command c) {
        Message.Builder m = Message.newBuilder()
                .setFrom(c.requiredNumber("from")).setTo(c.requiredNumber("to"))
                .setType(messageType(c.string("type", null)))
                .setTerm(c.number("term", 0)).setLogTerm(c.number("logterm", 0))
                .setIndex(c.number("index", 0)).setCommit(c.number("commit", 0))
                .setReject(c.flag("reject")).setRejectHint(c.number("hint", 0))
                .setContext(ByteString.copyFromUtf8(c.string("ctx", "")));
        for (String e : c.list("entries")) {
            m.addEntries(parseEntry(e));
        }
        Message msg = m.build();
        env.print(Describe.message(msg));
        env.node(msg.getTo()).raw.step(msg);
    }

    static MessageType messageType(String name) {
        if (name == null) {
            throw new AssertionError("missing type=");
        }
        try {
            return MessageType.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new AssertionError("unknown message type " + name);
        }
    }

    /** {@code term/index} or {@code term/index:data}. */
    private static Entry parseEntry(String s) {
        int slash = s.indexOf('/');
        int colon = s.indexOf(':');
        String index = colon < 0 ? s.substring(slash + 1) : s.substring(slash + 1, colon);
        Entry.Builder e = Entry.newBuilder().setTerm(Long.parseLong(s.substring(0, slash)))
                .setIndex(Long.parseLong(index));
        if (colon >= 0) {
            e.setData(ByteString.copyFromUtf8(s.substring(colon + 1)));
        }
        return e.build();
    }

    private void processReady(Command c) {
        for (long id : c.ids(0)) {
            env.processReady(env.node(id), false);
        }
    }

    /** Hands out a Ready and keeps it outstanding, unprocessed, until {@code advance}. */
    private void ready(Command c) {
        ScenarioNode n = env.node(c.id(0));
        n.held = n.raw.ready();
        Describe.ready(n.held).forEach(env::print);
    }

    /** Processes the Ready held since {@code ready}: persist, send, apply, advance. */
    private void advance(Command c) {
        ScenarioNode n = env.node(c.id(0));
        if (n.held == null) {
            throw new AssertionError("advance " + n.id + " without a held Ready");
        }
        env.handle(n, n.held);
        n.held = null;
    }

    /**
     * {@code deliver-msgs [drop=(3)] [type=MsgApp] [from=(1)] 2 ...}: drops the matching
     * messages to the drop targets, then delivers the matching messages to the others.
     */
    private void deliverMsgs(Command c) {
        MessageType type = c.has("type") ? messageType(c.string("type", null)) : null;
        Predicate<Message> filter = ScenarioEnv.filter(type, c.idList("from"));
        boolean any = false;
        for (long id : c.idList("drop")) {
            int before = env.network.size();
            env.drop(id, filter);
            any |= env.network.size() != before;
        }
        for (long id : c.ids(0)) {
            any |= env.deliver(id, filter);
        }
        if (!any) {
            env.print("no messages");
        }
    }

    private void status(Command c) {
        Status st = env.node(c.id(0)).raw.status();
        env.print(st.softState().raftState() + " Term:" + st.hardState().getTerm()
                + " Lead:" + st.softState().lead() + " Config:" + st.config());
        Describe.progress(st.progress()).forEach(env::print);
        if (st.leadTransferee() != 0) {
            env.print("LeadTransferee:" + st.leadTransferee());
        }
    }

    static HardState hardState(long term, long vote, long commit) {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(commit).build();
    }
}
