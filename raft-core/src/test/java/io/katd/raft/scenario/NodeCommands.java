package io.katd.raft.scenario;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.Config;
import io.katd.raft.MemoryStorage;
import io.katd.raft.RawNode;
import io.katd.raft.Ready;
import io.katd.raft.ReadOnlyOption;
import io.katd.raft.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** The commands that create, restart, inspect and compact nodes. */
final class NodeCommands {
    private static final int MEASURE_TICKS_MAX = 100_000;

    private final ScenarioEnv env;

    NodeCommands(ScenarioEnv env) {
        this.env = env;
    }

    /**
     * {@code add-nodes N [voters=(1 2 3)] [learners=(4)] [index=K] [content=a,b] [seed=S]
     * [log=(1 1 2)] [term=T] [vote=V] [commit=C] [config options]}: adds N nodes with the
     * next free ids. With voters or learners, each starts from a snapshot at index K (term
     * 1 when K > 0) holding that configuration and {@code content}; without, it starts
     * empty and must be caught up by a leader. {@code log} lists the terms of durable
     * entries after the snapshot (with empty data), and term, vote and commit form the
     * durable hard state (by default the last log term and the snapshot index). Node i
     * draws its election timeouts from seed S + i, or, without a seed, always draws the
     * minimum, so its timeout is exactly electionTicks.
     */
    void addNodes(Command c) {
        int count = (int) c.id(0);
        ConfState.Builder cs = ConfState.newBuilder().addAllVoters(c.idList("voters"))
                .addAllLearners(c.idList("learners"));
        long index = c.number("index", 0);
        String content = c.string("content", "");
        Long seed = c.has("seed") ? c.number("seed", 0) : null;
        List<Long> logTerms = c.idList("log");
        for (int i = 0; i < count; i++) {
            long id = env.nodes.isEmpty() ? 1 : env.nodes.lastKey() + 1;
            MemoryStorage mem = new MemoryStorage();
            if (cs.getVotersCount() + cs.getLearnersCount() > 0) {
                long snapTerm = index > 0 ? 1 : 0;
                mem.applySnapshot(Snapshot.newBuilder().setData(ByteString.copyFromUtf8(content))
                        .setMetadata(SnapshotMetadata.newBuilder().setIndex(index)
                                .setTerm(snapTerm).setConfState(cs)).build());
                List<Entry> ents = new ArrayList<>();
                for (long t : logTerms) {
                    ents.add(Entry.newBuilder().setTerm(t).setIndex(index + 1 + ents.size())
                            .build());
                }
                mem.append(ents);
                long lastTerm = ents.isEmpty() ? snapTerm : logTerms.get(logTerms.size() - 1);
                mem.setHardState(ScenarioCommands.hardState(c.number("term", lastTerm),
                        c.number("vote", 0), c.number("commit", index)));
            }
            ScenarioRandom random = new ScenarioRandom(seed == null ? null : seed + id);
            Config config = ConfigOptions.apply(c, Config.builder(id)).random(random)
                    .logger(new CapturingLogger("node" + id, env::print)).build();
            ScenarioNode n = new ScenarioNode(id, new ScenarioStorage(mem), random);
            n.config = config;
            n.raw = new RawNode(config, n.storage);
            env.nodes.put(id, n);
        }
    }

    /**
     * {@code restart ID [applied=K] [config options]}: a crash and restart. The held Ready
     * and everything not yet persisted are lost; the node is rebuilt from its storage.
     * With applied=K the application says it already applied up to K, so those entries
     * are not delivered again and the configuration it recorded at K is used.
     */
    void restart(Command c) {
        ScenarioNode n = env.node(c.id(0));
        long applied = c.number("applied", 0);
        n.held = null;
        n.storage.startConfState = c.has("applied") ? n.confAt(applied) : null;
        Config config = ConfigOptions.apply(c, n.config.toBuilder()).applied(applied).build();
        // If the node refuses to start, it stays down: later commands must not reach the
        // instance that crashed.
        n.raw = null;
        n.raw = new RawNode(config, n.storage);
        n.config = config;
        n.rebuildState(applied);
    }

    /** {@code config-check [id=N] [config options]}: builds a Config and reports. */
    void configCheck(Command c) {
        Config.Builder b = Config.builder(c.number("id", 1))
                .random(new ScenarioRandom(null));
        ConfigOptions.apply(c, b).build();
        env.print("ok");
    }

    /** {@code set-hard-state ID term=T vote=V commit=C}: overwrites the durable state. */
    void setHardState(Command c) {
        env.node(c.id(0)).storage.mem.setHardState(ScenarioCommands.hardState(
                c.requiredNumber("term"), c.number("vote", 0), c.requiredNumber("commit")));
    }

    void setSnapshotUnavailable(Command c) {
        String v = c.arg(1);
        if (!v.equals("true") && !v.equals("false")) {
            throw new AssertionError("set-snapshot-unavailable takes true or false: " + v);
        }
        env.node(c.id(0)).storage.snapshotUnavailable = v.equals("true");
    }

    /**
     * {@code compact ID INDEX}: the application snapshots its state at INDEX (which it must
     * have applied) and the storage drops the entries up to it. Prints the log after.
     */
    void compact(Command c) {
        ScenarioNode n = env.node(c.id(0));
        long index = c.id(1);
        long applied = n.raw.status().applied();
        if (index > applied) {
            throw new AssertionError("compact " + n.id + " " + index + ": only applied to "
                    + applied);
        }
        n.storage.mem.createSnapshot(index, n.confAt(index), n.snapshotData(index));
        n.storage.mem.compact(index);
        printLog(n);
    }

    /**
     * {@code send-snapshot FROM TO}: queues a MsgSnap carrying FROM's stored snapshot at
     * FROM's term, as a leader would, whether or not FROM would send one now.
     */
    void sendSnapshot(Command c) {
        ScenarioNode from = env.node(c.id(0));
        Message m = Message.newBuilder().setType(MessageType.MsgSnap).setFrom(from.id)
                .setTo(c.id(1)).setTerm(from.raw.status().hardState().getTerm())
                .setSnapshot(from.storage.mem.snapshot()).build();
        env.network.add(m);
        env.print(Describe.message(m));
    }

    /** {@code election-timeout ID}: the randomized election timeout drawn last. */
    void electionTimeout(Command c) {
        ScenarioNode n = env.node(c.id(0));
        env.print("randomized election timeout: "
                + (n.config.electionTicks() + n.random.lastDraw()));
    }

    /**
     * {@code measure-election-timeouts ID campaigns=N}: lets the node campaign N times on
     * its own (its messages are dropped, so it never wins) and prints how many ticks
     * passed before each campaign, as a histogram. Needs pre-vote off: the term counts
     * the campaigns.
     */
    void measureElectionTimeouts(Command c) {
        ScenarioNode n = env.node(c.id(0));
        long campaigns = c.requiredNumber("campaigns");
        TreeMap<Integer, Integer> histogram = new TreeMap<>();
        env.muted = true;
        try {
            int ticks = 0;
            int total = 0;
            while (histogram.values().stream().mapToInt(Integer::intValue).sum() < campaigns) {
                long term = n.raw.status().hardState().getTerm();
                n.raw.tick();
                ticks++;
                if (++total > MEASURE_TICKS_MAX) {
                    throw new IllegalStateException("no campaign within " + total + " ticks");
                }
                while (n.raw.hasReady()) {
                    // Processed as usual, but what it sends is lost on the way.
                    int sent = env.network.size();
                    env.handle(n, n.raw.ready());
                    env.network.subList(sent, env.network.size()).clear();
                }
                if (n.raw.status().hardState().getTerm() > term) {
                    histogram.merge(ticks, 1, Integer::sum);
                    ticks = 0;
                }
            }
        } finally {
            env.muted = false;
        }
        StringBuilder sb = new StringBuilder("ticks before campaign (ticks:count):");
        histogram.forEach((t, k) -> sb.append(' ').append(t).append(':').append(k));
        env.print(sb.toString());
        env.print("min=" + histogram.firstKey() + " max=" + histogram.lastKey());
    }

    /** {@code raft-log ID}: the durable log, with the snapshot it starts after. */
    void raftLog(Command c) {
        printLog(env.node(c.id(0)));
    }

    private void printLog(ScenarioNode n) {
        MemoryStorage mem = n.storage.mem;
        long first = mem.firstIndex();
        long last = mem.lastIndex();
        if (first > 1) {
            env.print("snapshot Index:" + (first - 1) + " Term:" + mem.term(first - 1));
        }
        if (last < first) {
            env.print("log is empty: first index=" + first + ", last index=" + last);
            return;
        }
        for (Entry e : mem.entries(first, last + 1, Long.MAX_VALUE)) {
            env.print(Describe.entry(e));
        }
    }

    /** {@code raft-state}: one line per node. */
    void raftState() {
        for (ScenarioNode n : env.nodes.values()) {
            if (n.raw == null) {
                env.print(n.id + ": down");
                continue;
            }
            Status st = n.raw.status();
            env.print(n.id + ": " + st.softState().raftState() + " (" + n.role() + ")"
                    + " Term:" + st.hardState().getTerm() + " Vote:" + st.hardState().getVote()
                    + " Lead:" + st.softState().lead() + " Commit:" + st.hardState().getCommit()
                    + " Applied:" + st.applied() + " Last:" + st.lastIndex());
        }
    }

    /** {@code app-state ID}: what the application applied. */
    void appState(Command c) {
        ScenarioNode n = env.node(c.id(0));
        List<String> values = n.state.stream().map(ScenarioNode.Applied::data).toList();
        env.print("applied:" + n.raw.status().applied() + " values:[" + String.join(" ", values)
                + "] " + Describe.confState(n.confState()));
    }

    /** The Config options shared by add-nodes, restart and config-check. */
    static final class ConfigOptions {
        private ConfigOptions() {}

        static Config.Builder apply(Command c, Config.Builder b) {
            if (c.has("election-ticks")) {
                b.electionTicks((int) c.number("election-ticks", 0));
            }
            if (c.has("heartbeat-ticks")) {
                b.heartbeatTicks((int) c.number("heartbeat-ticks", 0));
            }
            if (c.has("max-msg-bytes")) {
                b.maxMsgBytes(c.number("max-msg-bytes", 0));
            }
            if (c.has("max-committed-bytes-per-ready")) {
                b.maxCommittedBytesPerReady(c.number("max-committed-bytes-per-ready", 0));
            }
            if (c.has("max-uncommitted-bytes")) {
                b.maxUncommittedBytes(c.number("max-uncommitted-bytes", 0));
            }
            if (c.has("max-inflight")) {
                b.maxInflightMsgs((int) c.number("max-inflight", 0));
            }
            if (c.has("max-inflight-bytes")) {
                b.maxInflightBytes(c.number("max-inflight-bytes", 0));
            }
            applyFlags(c, b);
            return b;
        }

        private static void applyFlags(Command c, Config.Builder b) {
            if (c.has("prevote")) {
                b.preVote(c.flag("prevote"));
            }
            if (c.has("checkquorum")) {
                b.checkQuorum(c.flag("checkquorum"));
            }
            if (c.has("step-down-on-removal")) {
                b.stepDownOnRemoval(c.flag("step-down-on-removal"));
            }
            if (c.has("disable-proposal-forwarding")) {
                b.disableProposalForwarding(c.flag("disable-proposal-forwarding"));
            }
            if (c.has("lease-drift-margin")) {
                b.leaseDriftMarginTicks((int) c.number("lease-drift-margin", 0));
            }
            if (c.has("read-only")) {
                String v = c.string("read-only", "safe");
                b.readOnlyOption(switch (v) {
                    case "safe" -> ReadOnlyOption.SAFE;
                    case "lease" -> ReadOnlyOption.LEASE_BASED;
                    default -> throw new AssertionError("read-only is safe or lease: " + v);
                });
            }
        }
    }
}
