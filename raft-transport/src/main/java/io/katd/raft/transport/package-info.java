/**
 * The peer transport: {@link io.katd.raft.transport.NettyTransport} carries Raft messages
 * and snapshots between the nodes of a cluster over TCP, optionally with mutual TLS.
 *
 * <h2>Wire</h2>
 * Every frame is a 4-byte big-endian length and one protobuf {@code katd.transport.Frame}
 * ({@code proto/src/main/proto/katd/transport.proto}); a length above
 * {@code maxFrameBytes} closes the connection before the frame is buffered. Each
 * connection starts with a handshake: the connecting node sends Hello (cluster id, its
 * id, the id it means to reach, protocol version, stream kind) and the accepting node
 * answers HelloAck, or Reject with the mismatch (expected and actual value) and closes.
 * Nothing else is accepted before the handshake.
 *
 * <h2>Streams</h2>
 * <ul>
 *   <li>Raft: one outgoing connection per peer, one frame per message. The raft thread
 *       queues each {@code send} batch into the peer's bounded queue; the peer's event
 *       loop writes the batch and flushes once. A message that finds the queue full, the
 *       connection not writable (write buffer above its high water mark) or the peer
 *       unknown is dropped and the node told {@code reportUnreachable}; Raft resends.
 *       Lost connections are re-established with jittered exponential backoff.</li>
 *   <li>Snapshot: one connection per MsgSnap. The sender streams the snapshot's bytes
 *       from its {@link io.katd.raft.node.SnapshotStore} (or the message's inline data
 *       when the store lacks it) in chunks, with a bounded number unacknowledged; the
 *       receiver writes them into its store, commits with the sender's size and CRC32C,
 *       hands the MsgSnap to its node, and answers. The sender then reports FINISH, or
 *       FAILURE on any error, refusal, timeout or disconnect, exactly once. A broken
 *       stream aborts the receiver's writer: no partial snapshot is ever visible.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Event loops decode frames, check them, and hand messages to the node's
 * {@link io.katd.raft.node.Transport.Inbound}, which never blocks; they never touch raft
 * state and never do file I/O (snapshot store reads and writes run on a small pool of
 * snapshot threads, serialized per stream). No Netty buffer leaves this package: handlers
 * see decoded frames only.
 */
package io.katd.raft.transport;
