package io.katd.raft.transport;

import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.proto.transport.Frame;
import io.katd.proto.transport.Hello;
import io.katd.proto.transport.HelloAck;
import io.katd.proto.transport.Reject;
import io.katd.proto.transport.StreamKind;
import java.util.Optional;

/**
 * The frames that open a connection, and the checks both sides make on them. Each check
 * returns why the peer is refused, naming the expected and the actual value, or empty.
 */
final class Handshake {
    /** Bumped on any change to the frames that an older node would misread. */
    static final int PROTOCOL_VERSION = 1;

    private Handshake() {}

    static Frame hello(String clusterId, long senderId, long receiverId, StreamKind kind) {
        return Frame.newBuilder().setHello(Hello.newBuilder().setClusterId(clusterId)
                .setSenderId(senderId).setReceiverId(receiverId)
                .setProtocolVersion(PROTOCOL_VERSION).setKind(kind)).build();
    }

    static Frame ack(String clusterId, long nodeId) {
        return Frame.newBuilder().setHelloAck(HelloAck.newBuilder().setClusterId(clusterId)
                .setNodeId(nodeId).setProtocolVersion(PROTOCOL_VERSION)).build();
    }

    static Frame reject(String reason) {
        return Frame.newBuilder().setReject(Reject.newBuilder().setReason(reason)).build();
    }

    /** Checked by node {@code nodeId} of {@code clusterId} on a connection it accepted. */
    static Optional<String> checkHello(Hello h, String clusterId, long nodeId) {
        if (!h.getClusterId().equals(clusterId)) {
            return mismatch("cluster id", quote(clusterId), quote(h.getClusterId()));
        }
        if (h.getProtocolVersion() != PROTOCOL_VERSION) {
            return mismatch("protocol version", PROTOCOL_VERSION, h.getProtocolVersion());
        }
        if (h.getReceiverId() != nodeId) {
            return mismatch("receiver id", nodeId, h.getReceiverId());
        }
        if (h.getSenderId() == 0 || h.getSenderId() == nodeId) {
            return Optional.of("invalid sender id " + h.getSenderId() + " (this node is "
                    + nodeId + ")");
        }
        if (h.getKind() != StreamKind.STREAM_KIND_RAFT
                && h.getKind() != StreamKind.STREAM_KIND_SNAPSHOT) {
            return Optional.of("unknown stream kind " + h.getKindValue());
        }
        return Optional.empty();
    }

    /** Checked by the connecting node on the answer of the node it meant to reach. */
    static Optional<String> checkAck(HelloAck a, String clusterId, long peerId) {
        if (!a.getClusterId().equals(clusterId)) {
            return mismatch("cluster id", quote(clusterId), quote(a.getClusterId()));
        }
        if (a.getProtocolVersion() != PROTOCOL_VERSION) {
            return mismatch("protocol version", PROTOCOL_VERSION, a.getProtocolVersion());
        }
        if (a.getNodeId() != peerId) {
            return mismatch("node id", peerId, a.getNodeId());
        }
        return Optional.empty();
    }

    /**
     * Checked on every message of a Raft stream from {@code senderId}: it must come from
     * the node that opened the stream, be addressed to this one, and be a message that
     * crosses the wire (never a local one, never a MsgSnap, which has its own stream).
     */
    static Optional<String> checkRaftMessage(Message m, long senderId, long nodeId) {
        if (m.getFrom() != senderId) {
            return mismatch("message sender", senderId, m.getFrom());
        }
        if (m.getTo() != nodeId) {
            return mismatch("message receiver", nodeId, m.getTo());
        }
        MessageType t = m.getType();
        return switch (t) {
            case MsgHup, MsgBeat, MsgUnreachable, MsgSnapStatus, MsgCheckQuorum, UNRECOGNIZED ->
                    Optional.of("message type " + m.getTypeValue() + " never crosses the wire");
            case MsgSnap -> Optional.of("MsgSnap on a raft stream (snapshots have their own)");
            default -> Optional.empty();
        };
    }

    private static Optional<String> mismatch(String what, Object expected, Object actual) {
        return Optional.of(what + " mismatch: expected " + expected + ", got " + actual);
    }

    private static String quote(String s) {
        return '"' + s + '"';
    }
}
