package io.katd.raft.node;

import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.raft.SnapshotStatus;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hub that connects the nodes of one JVM, for tests and examples. Messages go through
 * one bounded queue and are delivered, in send order, by the network's own thread (so a
 * node's raft thread never runs another node's code). Links can be blocked one way to
 * partition nodes; a message on a blocked link, to a node that is not there, or that
 * does not fit in the queue is dropped and reported unreachable to its sender.
 */
public final class LocalNetwork implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalNetwork.class);

    private record Link(long from, long to) {}

    private record Delivery(long from, Message message) {}

    private final BlockingQueue<Delivery> queue;
    private final Map<Long, LocalTransport> transports = new ConcurrentHashMap<>();
    private final Set<Link> blocked = ConcurrentHashMap.newKeySet();
    private final Thread deliverer;
    // Set by close; read by senders and the delivery thread.
    private volatile boolean closed;

    /** A network whose queue holds up to 10,000 messages in flight. */
    public LocalNetwork() {
        this(10_000);
    }

    public LocalNetwork(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0, was " + capacity);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.deliverer = new Thread(this::deliverLoop, "local-network");
        deliverer.setDaemon(true);
        deliverer.start();
    }

    /**
     * The transport of node {@code id}. A node restarted with the same id takes a new
     * transport once the previous one is closed.
     */
    public LocalTransport transport(long id) {
        return transports.compute(id, (key, previous) -> {
            if (previous != null && !previous.isClosed()) {
                throw new IllegalStateException("node " + id + " already has an open transport");
            }
            return new LocalTransport(this, id);
        });
    }

    /** Drops every message from {@code from} to {@code to} until unblocked. */
    public void block(long from, long to) {
        blocked.add(new Link(from, to));
    }

    public void unblock(long from, long to) {
        blocked.remove(new Link(from, to));
    }

    /** Cuts {@code id} off from {@code others}, both ways. */
    public void isolate(long id, long... others) {
        for (long o : others) {
            block(id, o);
            block(o, id);
        }
    }

    /** Unblocks every link. */
    public void heal() {
        blocked.clear();
    }

    boolean isBlocked(long from, long to) {
        return blocked.contains(new Link(from, to));
    }

    /** Queues {@code m} from node {@code from}; false when it was dropped. */
    boolean enqueue(long from, Message m) {
        if (closed || isBlocked(from, m.getTo())) {
            return false;
        }
        return queue.offer(new Delivery(from, m));
    }

    private void deliverLoop() {
        while (!closed) {
            Delivery d;
            try {
                d = queue.take();
            } catch (InterruptedException e) {
                // Only close interrupts this thread; the loop condition ends it.
                continue;
            }
            deliver(d);
        }
    }

    private void deliver(Delivery d) {
        Message m = d.message();
        LocalTransport to = transports.get(m.getTo());
        boolean delivered = !isBlocked(d.from(), m.getTo()) && to != null && to.deliver(m);
        LocalTransport from = transports.get(d.from());
        if (from == null) {
            return;
        }
        if (m.getType() == MessageType.MsgSnap) {
            from.report(m.getTo(), delivered ? SnapshotStatus.FINISH : SnapshotStatus.FAILURE);
        } else if (!delivered) {
            from.reportUnreachable(m.getTo());
        }
    }

    /** Stops the delivery thread; messages still queued are dropped. */
    @Override
    public void close() {
        closed = true;
        deliverer.interrupt();
        try {
            deliverer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("local network closed with {} messages undelivered", queue.size());
    }
}
