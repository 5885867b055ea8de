package io.katd.raft.scenario;

import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.proto.raft.ConfChange;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.EntryType;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.raft.Ready;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The world of one scenario file: its nodes and a network that holds every sent message
 * until a command delivers or drops it. Output, including the nodes' log lines, goes to
 * one list of lines; a section header ("> 2 receiving messages") indents what follows.
 */
final class ScenarioEnv {
    private static final int STABILIZE_ROUNDS_MAX = 1000;

    final TreeMap<Long, ScenarioNode> nodes = new TreeMap<>();
    // Sent and not yet delivered or dropped, in the order they were sent.
    final List<Message> network = new ArrayList<>();
    private final List<String> out = new ArrayList<>();
    private String indent = "";
    boolean muted;

    void print(String line) {
        if (!muted) {
            out.add(indent + line);
        }
    }

    void header(String line) {
        indent = "";
        print(line);
        indent = "  ";
    }

    void endSection() {
        indent = "";
    }

    /** Takes the output collected so far; "ok" when there is none. */
    String takeOutput() {
        String s = out.isEmpty() ? "ok" : String.join("\n", out);
        out.clear();
        indent = "";
        return s;
    }

    ScenarioNode node(long id) {
        ScenarioNode n = nodes.get(id);
        if (n == null) {
            throw new AssertionError("no node " + id);
        }
        if (n.raw == null) {
            throw new AssertionError("node " + id + " is down: it failed to restart");
        }
        return n;
    }

    // ---- the Ready loop ---------------------------------------------------------------

    /** Processes one Ready of {@code n}, if it has one, printing it first. */
    boolean processReady(ScenarioNode n, boolean quietIfNone) {
        if (!n.raw.hasReady()) {
            if (!quietIfNone) {
                print("> " + n.id + " has no Ready");
            }
            return false;
        }
        header("> " + n.id + " handling Ready");
        Ready rd = n.raw.ready();
        Describe.ready(rd).forEach(this::print);
        handle(n, rd);
        endSection();
        return true;
    }

    /**
     * Does what the Ready contract asks, in its order: persist the snapshot, entries and
     * hard state; send the messages; apply the snapshot and committed entries (conf
     * changes through applyConfChange); advance.
     */
    void handle(ScenarioNode n, Ready rd) {
        rd.snapshot().ifPresent(n.storage.mem::applySnapshot);
        n.storage.mem.append(rd.entries());
        rd.hardState().ifPresent(n.storage.mem::setHardState);
        network.addAll(rd.messages());
        rd.snapshot().ifPresent(n::resetToSnapshot);
        for (Entry e : rd.committedEntries()) {
            apply(n, e);
        }
        n.raw.advance(rd);
    }

    private void apply(ScenarioNode n, Entry e) {
        if (e.getType() == EntryType.EntryNormal) {
            if (!e.getData().isEmpty()) {
                n.state.add(new ScenarioNode.Applied(e.getIndex(), e.getData().toStringUtf8()));
            }
            return;
        }
        ConfState cs;
        try {
            if (e.getType() == EntryType.EntryConfChange) {
                cs = n.raw.applyConfChange(ConfChange.parseFrom(e.getData()));
            } else {
                cs = n.raw.applyConfChange(ConfChangeV2.parseFrom(e.getData()));
            }
        } catch (InvalidProtocolBufferException ex) {
            throw new AssertionError("malformed conf change at index " + e.getIndex(), ex);
        }
        n.confs.put(e.getIndex(), cs);
    }

    // ---- the network ------------------------------------------------------------------

    /** Removes and returns the queued messages to {@code to} that pass {@code filter}. */
    List<Message> take(long to, Predicate<Message> filter) {
        List<Message> taken = new ArrayList<>();
        for (Iterator<Message> it = network.iterator(); it.hasNext(); ) {
            Message m = it.next();
            if (m.getTo() == to && filter.test(m)) {
                taken.add(m);
                it.remove();
            }
        }
        return taken;
    }

    /** Steps each message into its recipient, printing it and what the node logs. */
    boolean deliver(long to, Predicate<Message> filter) {
        List<Message> msgs = take(to, filter);
        if (msgs.isEmpty()) {
            return false;
        }
        ScenarioNode n = nodes.get(to);
        header("> " + to + " receiving messages");
        for (Message m : msgs) {
            print(Describe.message(m));
            if (n == null || n.raw == null) {
                print("dropped: node " + to + " is not running");
            } else {
                n.raw.step(m);
            }
        }
        endSection();
        return true;
    }

    void drop(long to, Predicate<Message> filter) {
        for (Message m : take(to, filter)) {
            print("dropped: " + Describe.message(m));
        }
    }

    /** Processes Readies and delivers messages among {@code ids} until nothing moves. */
    void stabilize(List<Long> ids) {
        for (int round = 0; round < STABILIZE_ROUNDS_MAX; round++) {
            boolean moved = false;
            for (long id : ids) {
                moved |= processReady(node(id), true);
            }
            for (long id : ids) {
                moved |= deliver(id, m -> true);
            }
            if (!moved) {
                return;
            }
        }
        throw new IllegalStateException("no quiescence after " + STABILIZE_ROUNDS_MAX
                + " rounds");
    }

    /** Messages of {@code type} (any type when null) from any of {@code from} (or anyone). */
    static Predicate<Message> filter(MessageType type, List<Long> from) {
        Predicate<Message> p = m -> true;
        if (type != null) {
            p = p.and(m -> m.getType() == type);
        }
        if (!from.isEmpty()) {
            p = p.and(m -> from.contains(m.getFrom()));
        }
        return p;
    }
}
