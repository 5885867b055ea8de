package io.katd.agent;

import io.katd.raft.node.RaftNodeListener;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongPredicate;

/**
 * The leader as this member last learned it, from the node's leader-change events, with a
 * way to wait for a given leader without polling the node.
 */
final class LeaderView implements RaftNodeListener {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long leaderId;

    @Override
    public void onLeaderChange(long leaderId, long term) {
        lock.lock();
        try {
            this.leaderId = leaderId;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the known leader satisfies {@code wanted}, at most {@code timeout};
     * returns whether it did.
     */
    boolean await(LongPredicate wanted, Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (!wanted.test(leaderId)) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = changed.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** As {@link #await}, for a leader with this id. */
    boolean awaitLeader(long id, Duration timeout) throws InterruptedException {
        return await(leader -> leader == id, timeout);
    }
}
