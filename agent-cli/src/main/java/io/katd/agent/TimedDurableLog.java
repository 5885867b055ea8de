package io.katd.agent;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.Snapshot;
import io.katd.raft.Storage;
import io.katd.raft.Ready;
import io.katd.raft.node.DurableLog;
import java.io.IOException;
import java.util.List;

/**
 * A {@link DurableLog} that times each synced write of the log it wraps (the Ready loop's
 * fsync) into a histogram; every other call passes straight through.
 */
final class TimedDurableLog implements DurableLog {
    private final DurableLog log;
    private final Metrics.Histogram fsync;

    TimedDurableLog(DurableLog log, Metrics.Histogram fsync) {
        this.log = log;
        this.fsync = fsync;
    }

    @Override
    public void persist(Ready ready) throws IOException {
        if (!ready.mustSync()) {
            log.persist(ready);
            return;
        }
        long start = System.nanoTime();
        log.persist(ready);
        fsync.observeNanos(System.nanoTime() - start);
    }

    @Override
    public Snapshot createSnapshot(long index, ConfState confState, ByteString data)
            throws IOException {
        return log.createSnapshot(index, confState, data);
    }

    @Override
    public void compact(long index) throws IOException {
        log.compact(index);
    }

    @Override
    public void bootstrap(ConfState confState) throws IOException {
        log.bootstrap(confState);
    }

    @Override
    public boolean isEmpty() {
        return log.isEmpty();
    }

    @Override
    public void close() throws IOException {
        log.close();
    }

    @Override
    public Storage.InitialState initialState() {
        return log.initialState();
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxSizeBytes) {
        return log.entries(lo, hi, maxSizeBytes);
    }

    @Override
    public long term(long index) {
        return log.term(index);
    }

    @Override
    public long lastIndex() {
        return log.lastIndex();
    }

    @Override
    public long firstIndex() {
        return log.firstIndex();
    }

    @Override
    public Snapshot snapshot() {
        return log.snapshot();
    }
}
