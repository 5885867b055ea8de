package io.katd.raft.transport;

/**
 * Counters of one {@link NettyTransport} since it was created, for metrics and tests.
 *
 * @param messagesSent Raft messages written to a peer connection
 * @param messagesDropped Raft messages dropped before they reached a connection (peer
 *     unknown or down, queue full, connection not writable, frame too large)
 * @param messagesReceived Raft messages handed to the node (snapshots not included)
 * @param connectionsEstablished outgoing Raft connections whose handshake succeeded
 * @param connectionsRejected connections closed for a protocol violation: a handshake
 *     mismatch, a malformed, oversize or unexpected frame, a missing handshake
 * @param tlsHandshakeFailures connections whose TLS handshake failed
 * @param snapshotsSent snapshots the receiver acknowledged as installed
 * @param snapshotSendFailures snapshot sends reported as failed
 * @param snapshotsReceived snapshots committed to the store and handed to the node
 * @param snapshotReceiveFailures snapshot streams that ended without installing
 */
public record TransportStats(long messagesSent, long messagesDropped, long messagesReceived,
        long connectionsEstablished, long connectionsRejected, long tlsHandshakeFailures,
        long snapshotsSent, long snapshotSendFailures, long snapshotsReceived,
        long snapshotReceiveFailures) {}
