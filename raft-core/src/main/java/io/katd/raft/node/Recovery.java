package io.katd.raft.node;

import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.Config;
import io.katd.raft.ForwardingStorage;
import io.katd.raft.MemoryStorage;
import io.katd.raft.RawNode;
import io.katd.raft.Storage;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.helpers.NOPLogger;

/**
 * Where a node resumes after a (re)start, from its durable log and its state machine.
 *
 * <p>The protocol skips entries up to {@code Config.applied}, so the configuration it
 * starts from must be the one in force at that index. The log stores the configuration
 * of its snapshot only; the changes committed after the snapshot and already applied by
 * the state machine are replayed here onto a scratch node, so that the real node starts
 * with the right voters without applying those changes twice.
 */
final class Recovery {
    private static final long PAGE_BYTES = 4L << 20;

    private Recovery() {}

    /**
     * @param applied the index the state machine has applied, where the node resumes
     * @param snapshotIndex the index of the durable log's latest snapshot
     * @param confState the configuration in force at {@code applied}
     * @param storage the log as the protocol must see it on start
     */
    record Recovered(long applied, long snapshotIndex, ConfState confState, Storage storage) {}

    static Recovered recover(long id, DurableLog log, StateMachine<?> stateMachine) {
        Snapshot snapshot = log.snapshot();
        long snapshotIndex = snapshot.getMetadata().getIndex();
        long applied = stateMachine.appliedIndex();
        if (applied < 0) {
            throw new IllegalStateException("state machine applied index " + applied + " < 0");
        }
        if (applied < snapshotIndex) {
            // The state machine is behind the log's snapshot (e.g. it lives in memory).
            stateMachine.restore(snapshotIndex, snapshot.getData());
            applied = snapshotIndex;
        }
        if (applied > log.lastIndex()) {
            throw new IllegalStateException("state machine applied index " + applied
                    + " is beyond the durable log's last index " + log.lastIndex()
                    + ": the log lost entries the state machine has applied");
        }
        ConfState confState = confStateAt(id, log, snapshot, applied);
        HardState hs = log.initialState().hardState();
        // A commit-only hard state is written without sync, so the durable commit index may
        // lag behind what was applied; an applied entry was committed, so resume from it.
        if (hs.getCommit() < applied) {
            hs = hs.toBuilder().setCommit(applied).build();
        }
        Storage storage = new StartStorage(log, new Storage.InitialState(hs, confState));
        return new Recovered(applied, snapshotIndex, confState, storage);
    }

    private static ConfState confStateAt(long id, Storage log, Snapshot snapshot, long applied) {
        SnapshotMetadata md = snapshot.getMetadata();
        ConfState cs = md.getConfState();
        RawNode scratch = null;
        long lo = md.getIndex() + 1;
        while (lo <= applied) {
            List<Entry> page = log.entries(lo, applied + 1, PAGE_BYTES);
            for (Entry e : page) {
                if (!Envelopes.isConfChange(e)) {
                    continue;
                }
                if (scratch == null) {
                    scratch = scratchNode(id, md);
                }
                ConfChangeV2 cc = Envelopes.confChange(e);
                cs = scratch.applyConfChange(cc);
            }
            lo += page.size();
        }
        return cs;
    }

    /** A throwaway protocol instance, used only for its membership-change rules. */
    private static RawNode scratchNode(long id, SnapshotMetadata md) {
        MemoryStorage storage = new MemoryStorage();
        storage.applySnapshot(Snapshot.newBuilder().setMetadata(md).build());
        Config config = Config.builder(id).random(new SplittableRandom(0))
                .logger(NOPLogger.NOP_LOGGER).build();
        return new RawNode(config, storage);
    }

    /** The durable log, except for the initial state computed on start. */
    private static final class StartStorage extends ForwardingStorage {
        private final InitialState initial;

        StartStorage(Storage log, InitialState initial) {
            super(log);
            this.initial = initial;
        }

        @Override
        public InitialState initialState() {
            return initial;
        }
    }
}
