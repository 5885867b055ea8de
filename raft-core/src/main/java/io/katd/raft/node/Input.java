package io.katd.raft.node;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Message;
import io.katd.raft.SnapshotStatus;
import java.util.concurrent.CompletableFuture;

/**
 * Everything that reaches the raft thread from other threads: the only way in. Each
 * record is immutable; the futures are completed by the raft thread through the
 * node's completion executor, or by whoever drains the inbox of a stopped node.
 */
sealed interface Input {

    /** A message from a peer. */
    record Receive(Message message) implements Input {}

    /** A caller's proposal of an application command. */
    record Propose<R>(ByteString payload, CompletableFuture<R> future) implements Input {}

    /** A caller's linearizable read. */
    record ReadIndex(CompletableFuture<Long> future) implements Input {}

    /** A caller's membership change. */
    record ChangeMembership(ConfChangeV2 change, CompletableFuture<ConfState> future)
            implements Input {}

    /** Ask the leader to hand leadership to {@code transferee}. */
    record TransferLeadership(long transferee) implements Input {}

    /** Start an election now. */
    record Campaign() implements Input {}

    /** Forget the leader, so that a vote request can be granted at once. */
    record ForgetLeader() implements Input {}

    /** The transport dropped a message to {@code peerId}. */
    record Unreachable(long peerId) implements Input {}

    /** The transport's outcome of a MsgSnap to {@code peerId}. */
    record SnapshotReport(long peerId, SnapshotStatus status) implements Input {}
}
