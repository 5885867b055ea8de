package io.katd.raft.node;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The bounded many-producers, one-consumer handoff to the raft thread. {@link #offer}
 * never blocks and takes no lock: one atomic increment reserves a slot, and a lock-free
 * queue holds the input, so a Netty event loop or a caller's thread is never held up by
 * the raft thread. Snapshot reports bypass the bound (see {@link #offerUnbounded}).
 */
final class Inbox {
    private final int capacity;
    private final Queue<Input> queue = new ConcurrentLinkedQueue<>();
    // Slots reserved by producers; may briefly exceed the queue's size while a producer
    // is between reserving and enqueueing, which only makes the bound stricter.
    private final AtomicInteger reserved = new AtomicInteger();
    // The raft thread, set once before producers can reach this inbox (RaftNode.start
    // publishes it through Thread.start and the volatile write); null until then.
    private volatile Thread consumer;

    Inbox(int capacity) {
        this.capacity = capacity;
    }

    void setConsumer(Thread consumer) {
        this.consumer = consumer;
    }

    /** Enqueues {@code input} unless the inbox is full; wakes the raft thread. */
    boolean offer(Input input) {
        if (reserved.incrementAndGet() > capacity) {
            reserved.decrementAndGet();
            return false;
        }
        queue.add(input);
        wake();
        return true;
    }

    /**
     * Enqueues an input that must not be lost although it does not fit: counted, so the
     * bound still holds for everything else. Only for rare inputs whose number is bounded
     * elsewhere (one snapshot report per snapshot sent).
     */
    void offerUnbounded(Input input) {
        reserved.incrementAndGet();
        queue.add(input);
        wake();
    }

    /** The next input, or null when the inbox is empty. */
    Input poll() {
        Input input = queue.poll();
        if (input != null) {
            reserved.decrementAndGet();
        }
        return input;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Wakes the raft thread if it is parked waiting for work. */
    void wake() {
        Thread t = consumer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
