package io.katd.raft;

import io.katd.proto.raft.Entry;
import io.katd.proto.raft.EntryType;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.ConfChange;
import io.katd.proto.raft.ConfChangeV2;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A cluster of RawNodes over MemoryStorage with a perfect in-order network, driven by
 * hand: the smallest harness for tests that only need "elect, propose, deliver".
 * Each Ready is processed the way the contract demands: persist, send, apply, advance.
 */
final class MemoryCluster {
    final Map<Long, RawNode> nodes = new TreeMap<>();
    final Map<Long, MemoryStorage> storages = new TreeMap<>();
    final Map<Long, List<Entry>> applied = new TreeMap<>();
    final Deque<Message> network = new ArrayDeque<>();

    MemoryCluster(int size, long seed, UnaryOperator<Config.Builder> tweak) {
        long[] ids = new long[size];
        for (int i = 0; i < size; i++) {
            ids[i] = i + 1;
        }
        SplittableRandom root = new SplittableRandom(seed);
        for (long id : ids) {
            MemoryStorage storage = MemoryStorage.withVoters(ids);
            Config config = tweak.apply(Config.builder(id)
                    .random(new SplittableRandom(root.nextLong()))).build();
            storages.put(id, storage);
            nodes.put(id, new RawNode(config, storage));
            applied.put(id, new ArrayList<>());
        }
    }

    RawNode node(long id) {
        return nodes.get(id);
    }

    /** Processes every node's Ready once; returns whether anything happened. */
    boolean processReadies() {
        boolean any = false;
        for (Map.Entry<Long, RawNode> e : nodes.entrySet()) {
            RawNode n = e.getValue();
            if (!n.hasReady()) {
                continue;
            }
            any = true;
            Ready rd = n.ready();
            MemoryStorage s = storages.get(e.getKey());
            rd.snapshot().ifPresent(s::applySnapshot);
            s.append(rd.entries());
            rd.hardState().ifPresent(s::setHardState);
            network.addAll(rd.messages());
            for (Entry ent : rd.committedEntries()) {
                applied.get(e.getKey()).add(ent);
                if (ent.getType() == EntryType.EntryConfChange) {
                    n.applyConfChange(parse(() -> ConfChange.parseFrom(ent.getData())));
                } else if (ent.getType() == EntryType.EntryConfChangeV2) {
                    n.applyConfChange(parse(() -> ConfChangeV2.parseFrom(ent.getData())));
                }
            }
            n.advance(rd);
        }
        return any;
    }

    interface Parser<T> {
        T parse() throws Exception;
    }

    static <T> T parse(Parser<T> p) {
        try {
            return p.parse();
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    /** Delivers and processes until the cluster is quiet. */
    void stabilize() {
        for (int rounds = 0; rounds < 10_000; rounds++) {
            boolean any = processReadies();
            while (!network.isEmpty()) {
                Message m = network.poll();
                RawNode to = nodes.get(m.getTo());
                if (to != null) {
                    to.step(m);
                }
                any = true;
            }
            if (!any) {
                return;
            }
        }
        throw new AssertionError("cluster did not stabilize");
    }
}
