package io.katd.raft.node;

import io.katd.proto.raft.Message;
import io.katd.raft.SnapshotStatus;
import java.util.List;

/**
 * Carries Raft messages between the nodes of a cluster. Raft tolerates loss, duplication
 * and reordering, so a transport may drop messages whenever it cannot deliver them
 * promptly; it must never block the node.
 *
 * <p>Threading: {@link #send} is called by the node's raft thread only; {@link #start}
 * and {@link #close} by the thread that starts or closes the node. The transport calls
 * the {@link Inbound} from any of its own threads (event loops included); every Inbound
 * method is thread-safe and returns without blocking.
 */
public interface Transport extends AutoCloseable {

    /**
     * Starts receiving: from now on, messages addressed to this node go to
     * {@code inbound}. Called once, before the first {@link #send}.
     */
    void start(Inbound inbound);

    /**
     * Sends messages in order (per destination), without blocking. A message that cannot
     * be sent now (peer unknown or down, queue full) is dropped and reported with
     * {@link Inbound#reportUnreachable}. Every MsgSnap, whatever happens to it, ends with
     * exactly one {@link Inbound#reportSnapshot}: the leader does not send a follower
     * anything else until it hears how its snapshot fared.
     */
    void send(List<Message> messages);

    /**
     * Stops sending and receiving. Once it returns the transport makes no new call to the
     * Inbound; one already under way on another thread may still finish (the node ignores
     * it once stopped).
     */
    @Override
    void close();

    /** The node's side of the transport, implemented by the runtime. */
    interface Inbound {
        /**
         * Hands a received message to the node. Returns false when the node's inbox is
         * full or the node is stopped: the message was dropped, and Raft will retransmit.
         * Never blocks.
         */
        boolean receive(Message message);

        /** A message to {@code peerId} was dropped: replication to it falls back to probing. */
        void reportUnreachable(long peerId);

        /**
         * The outcome of sending a MsgSnap to {@code peerId}. Never dropped, even when
         * the inbox is full: without it the leader would wait for that follower forever.
         */
        void reportSnapshot(long peerId, SnapshotStatus status);
    }
}
