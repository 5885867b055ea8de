package io.katd.raft.node;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Snapshot;
import io.katd.raft.ForwardingStorage;
import io.katd.raft.Ready;
import java.io.IOException;

/**
 * A {@link DurableLog} that passes every call to the log it wraps; subclasses override the
 * calls they add something to (timing, markers, injected faults).
 */
public abstract class ForwardingDurableLog extends ForwardingStorage implements DurableLog {
    private final DurableLog log;

    protected ForwardingDurableLog(DurableLog log) {
        super(log);
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
}
