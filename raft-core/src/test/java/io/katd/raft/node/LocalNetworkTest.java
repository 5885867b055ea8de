package io.katd.raft.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.raft.SnapshotStatus;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LocalNetworkTest {

    /** An Inbound that records what reaches it; accepts unless told otherwise. */
    private static final class Recorder implements Transport.Inbound {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        // Set by the test thread, read by the network's delivery thread.
        volatile boolean accept = true;

        @Override
        public boolean receive(Message m) {
            if (accept) {
                events.add("recv " + m.getType() + " from " + m.getFrom());
            }
            return accept;
        }

        @Override
        public void reportUnreachable(long peerId) {
            events.add("unreachable " + peerId);
        }

        @Override
        public void reportSnapshot(long peerId, SnapshotStatus status) {
            events.add("snapshot " + peerId + " " + status);
        }

        String next() throws InterruptedException {
            String e = events.poll(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                throw new AssertionError("no event within " + Await.TIMEOUT);
            }
            return e;
        }
    }

    @Test
    void deliversInOrderAndReportsDropsOnBlockedLinks() throws InterruptedException {
        try (LocalNetwork net = new LocalNetwork()) {
            Recorder r1 = new Recorder();
            Recorder r2 = new Recorder();
            LocalTransport t1 = net.transport(1);
            net.transport(2).start(r2);
            t1.start(r1);
            t1.send(List.of(msg(MessageType.MsgApp, 1, 2), msg(MessageType.MsgHeartbeat, 1, 2)));
            assertThat(r2.next()).isEqualTo("recv MsgApp from 1");
            assertThat(r2.next()).isEqualTo("recv MsgHeartbeat from 1");

            net.block(1, 2);
            t1.send(List.of(msg(MessageType.MsgApp, 1, 2)));
            assertThat(r1.next()).isEqualTo("unreachable 2");
            t1.send(List.of(msg(MessageType.MsgSnap, 1, 2)));
            assertThat(r1.next()).isEqualTo("snapshot 2 FAILURE");

            net.heal();
            t1.send(List.of(msg(MessageType.MsgSnap, 1, 2)));
            assertThat(r2.next()).isEqualTo("recv MsgSnap from 1");
            assertThat(r1.next()).isEqualTo("snapshot 2 FINISH");

            r2.accept = false;
            t1.send(List.of(msg(MessageType.MsgApp, 1, 2), msg(MessageType.MsgApp, 1, 3)));
            assertThat(r1.next()).isEqualTo("unreachable 2");
            assertThat(r1.next()).isEqualTo("unreachable 3");
            assertThat(r2.events).isEmpty();
        }
    }

    @Test
    void aNodeGetsANewTransportOnlyAfterClosingTheOldOne() {
        try (LocalNetwork net = new LocalNetwork()) {
            LocalTransport t = net.transport(1);
            assertThatThrownBy(() -> net.transport(1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already has an open transport");
            t.close();
            assertThat(net.transport(1)).isNotSameAs(t);
        }
    }

    private static Message msg(MessageType type, long from, long to) {
        return Message.newBuilder().setType(type).setFrom(from).setTo(to).build();
    }
}
