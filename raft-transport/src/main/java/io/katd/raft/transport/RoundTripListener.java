package io.katd.raft.transport;

/**
 * Hears each measured round trip of an outgoing raft stream: the time from writing a
 * probe to reading the peer's answer on the same connection, queueing behind Raft
 * messages included. Called on an I/O thread: keep it short and never block.
 */
@FunctionalInterface
public interface RoundTripListener {
    void onRoundTrip(long peerId, long nanos);
}
