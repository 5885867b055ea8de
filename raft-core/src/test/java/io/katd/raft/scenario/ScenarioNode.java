package io.katd.raft.scenario;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.EntryType;
import io.katd.proto.raft.Snapshot;
import io.katd.raft.Config;
import io.katd.raft.RawNode;
import io.katd.raft.Ready;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One node of a scenario: the RawNode, its storage, and the application state behind it.
 * The application is a list of applied values plus the configuration history, both of
 * which survive a restart the way an application's own durable state would.
 */
final class ScenarioNode {
    /** One applied value and the index it was applied at. */
    record Applied(long index, String data) {}

    final long id;
    final ScenarioStorage storage;
    final ScenarioRandom random;
    Config config;
    RawNode raw;
    // A Ready handed out by the `ready` command and not yet advanced.
    Ready held;
    final List<Applied> state = new ArrayList<>();
    // The configuration in effect from each index on, as the application applied it.
    final TreeMap<Long, ConfState> confs = new TreeMap<>();

    ScenarioNode(long id, ScenarioStorage storage, ScenarioRandom random) {
        this.id = id;
        this.storage = storage;
        this.random = random;
        resetToSnapshot(storage.mem.snapshot());
    }

    /** The application state becomes the snapshot's. */
    void resetToSnapshot(Snapshot snap) {
        long index = snap.getMetadata().getIndex();
        state.clear();
        String data = snap.getData().toStringUtf8();
        if (!data.isEmpty()) {
            for (String v : data.split(",", -1)) {
                state.add(new Applied(index, v));
            }
        }
        confs.clear();
        confs.put(index, snap.getMetadata().getConfState());
    }

    /** Snapshot data: the values applied up to {@code index}, comma separated. */
    ByteString snapshotData(long index) {
        List<String> values = new ArrayList<>();
        for (Applied a : state) {
            if (a.index() <= index) {
                values.add(a.data());
            }
        }
        return ByteString.copyFromUtf8(String.join(",", values));
    }

    ConfState confAt(long index) {
        Map.Entry<Long, ConfState> e = confs.floorEntry(index);
        if (e == null) {
            throw new IllegalArgumentException("no configuration known at index " + index);
        }
        return e.getValue();
    }

    ConfState confState() {
        return confs.lastEntry().getValue();
    }

    /**
     * Rebuilds the application state for a restart that resumes after {@code applied}:
     * the snapshot, then the stored normal entries up to {@code applied}; configurations
     * recorded after it are forgotten.
     */
    void rebuildState(long applied) {
        Snapshot snap = storage.mem.snapshot();
        TreeMap<Long, ConfState> kept = new TreeMap<>(confs.headMap(applied, true));
        resetToSnapshot(snap);
        long snapIndex = snap.getMetadata().getIndex();
        if (applied > snapIndex) {
            for (Entry e : storage.mem.entries(snapIndex + 1, applied + 1, Long.MAX_VALUE)) {
                if (e.getType() == EntryType.EntryNormal && !e.getData().isEmpty()) {
                    state.add(new Applied(e.getIndex(), e.getData().toStringUtf8()));
                }
            }
            confs.putAll(kept.tailMap(snapIndex, false));
        }
    }

    /** How the node's own configuration sees it. */
    String role() {
        ConfState cs = confState();
        if (cs.getVotersList().contains(id) || cs.getVotersOutgoingList().contains(id)) {
            return "voter";
        }
        if (cs.getLearnersList().contains(id) || cs.getLearnersNextList().contains(id)) {
            return "learner";
        }
        return "non-member";
    }
}
