package io.katd.raft.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.proto.transport.Hello;
import io.katd.proto.transport.HelloAck;
import io.katd.proto.transport.StreamKind;
import org.junit.jupiter.api.Test;

class HandshakeTest {
    private static final Hello VALID = Handshake.hello("c1", 2, 1, StreamKind.STREAM_KIND_RAFT)
            .getHello();

    @Test
    void aValidHelloPasses() {
        assertThat(Handshake.checkHello(VALID, "c1", 1)).isEmpty();
        assertThat(Handshake.checkHello(VALID.toBuilder()
                .setKind(StreamKind.STREAM_KIND_SNAPSHOT).build(), "c1", 1)).isEmpty();
    }

    @Test
    void eachMismatchNamesTheExpectedAndTheActualValue() {
        assertThat(Handshake.checkHello(VALID.toBuilder().setClusterId("c2").build(), "c1", 1))
                .contains("cluster id mismatch: expected \"c1\", got \"c2\"");
        assertThat(Handshake.checkHello(VALID.toBuilder().setReceiverId(3).build(), "c1", 1))
                .contains("receiver id mismatch: expected 1, got 3");
        assertThat(Handshake.checkHello(VALID.toBuilder().setProtocolVersion(9).build(), "c1",
                1)).contains("protocol version mismatch: expected 1, got 9");
    }

    @Test
    void refusesAHelloFromItselfFromNobodyOrForAnUnknownStream() {
        assertThat(Handshake.checkHello(VALID.toBuilder().setSenderId(1).build(), "c1", 1))
                .hasValueSatisfying(r -> assertThat(r).contains("invalid sender id 1"));
        assertThat(Handshake.checkHello(VALID.toBuilder().setSenderId(0).build(), "c1", 1))
                .hasValueSatisfying(r -> assertThat(r).contains("invalid sender id 0"));
        assertThat(Handshake.checkHello(VALID.toBuilder()
                .setKind(StreamKind.STREAM_KIND_UNSPECIFIED).build(), "c1", 1))
                .hasValueSatisfying(r -> assertThat(r).contains("unknown stream kind 0"));
    }

    @Test
    void theConnectingSideChecksItReachedTheNodeItMeant() {
        HelloAck ack = Handshake.ack("c1", 2).getHelloAck();
        assertThat(Handshake.checkAck(ack, "c1", 2)).isEmpty();
        assertThat(Handshake.checkAck(ack, "c1", 3))
                .contains("node id mismatch: expected 3, got 2");
        assertThat(Handshake.checkAck(ack, "c0", 2))
                .contains("cluster id mismatch: expected \"c0\", got \"c1\"");
        assertThat(Handshake.checkAck(ack.toBuilder().setProtocolVersion(2).build(), "c1", 2))
                .contains("protocol version mismatch: expected 1, got 2");
    }

    @Test
    void raftMessagesMustComeFromTheStreamsSenderAndCrossTheWire() {
        Message hb = Message.newBuilder().setType(MessageType.MsgHeartbeat).setFrom(2).setTo(1)
                .build();
        assertThat(Handshake.checkRaftMessage(hb, 2, 1)).isEmpty();
        assertThat(Handshake.checkRaftMessage(hb, 3, 1))
                .contains("message sender mismatch: expected 3, got 2");
        assertThat(Handshake.checkRaftMessage(hb, 2, 4))
                .contains("message receiver mismatch: expected 4, got 1");
        assertThat(Handshake.checkRaftMessage(hb.toBuilder().setType(MessageType.MsgHup)
                .build(), 2, 1)).hasValueSatisfying(r -> assertThat(r)
                        .contains("never crosses the wire"));
        assertThat(Handshake.checkRaftMessage(hb.toBuilder().setTypeValue(99).build(), 2, 1))
                .hasValueSatisfying(r -> assertThat(r).contains("type 99"));
        assertThat(Handshake.checkRaftMessage(hb.toBuilder().setType(MessageType.MsgSnap)
                .build(), 2, 1)).hasValueSatisfying(r -> assertThat(r).contains("MsgSnap"));
    }
}
