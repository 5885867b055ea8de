package io.katd.agent;

import io.katd.raft.Ready;
import io.katd.raft.node.DurableLog;
import io.katd.raft.node.ForwardingDurableLog;
import java.io.IOException;

/**
 * A {@link DurableLog} that times each synced write of the log it wraps (the Ready loop's
 * fsync) into a histogram; every other call passes straight through.
 */
final class TimedDurableLog extends ForwardingDurableLog {
    private final Metrics.Histogram fsync;

    TimedDurableLog(DurableLog log, Metrics.Histogram fsync) {
        super(log);
        this.fsync = fsync;
    }

    @Override
    public void persist(Ready ready) throws IOException {
        if (!ready.mustSync()) {
            super.persist(ready);
            return;
        }
        long start = System.nanoTime();
        super.persist(ready);
        fsync.observeNanos(System.nanoTime() - start);
    }
}
