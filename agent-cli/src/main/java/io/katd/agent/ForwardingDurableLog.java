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
 * A {@link DurableLog} that passes every call to the log it wraps; subclasses override the
 * calls they add something to.
 */
abstract class ForwardingDurableLog implements DurableLog {
    private final DurableLog log;

    ForwardingDurableLog(DurableLog log) {
        this.log = log;
    }

    @Override
    public void persist(Ready ready) throws IOException {
        log.persist(ready);
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
