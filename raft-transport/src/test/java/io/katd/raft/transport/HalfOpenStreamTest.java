package io.katd.raft.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.proto.transport.Frame;
import io.katd.proto.transport.Hello;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A half-open outgoing stream: the peer completed the handshake and then went silent
 * without closing (a vanished host, a stalled middlebox). Nothing fails on the socket;
 * only the unanswered probes show it, and the stream must be dropped and reconnected.
 */
class HalfOpenStreamTest {
    private final Transports transports = new Transports();
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        transports.close();
        for (Socket s : held) {
            s.close();
        }
    }

    /** Accepts connections, answers each Hello with a HelloAck, then never reads again. */
    private BlockingQueue<Hello> silentPeer(ServerSocket server, long nodeId) {
        BlockingQueue<Hello> hellos = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    held.add(s);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] body = new byte[in.readInt()];
                    in.readFully(body);
                    Hello hello = Frame.parseFrom(body).getHello();
                    s.getOutputStream().write(PipelineTest.wire(Handshake.ack(
                            Transports.CLUSTER_ID, nodeId)));
                    s.getOutputStream().flush();
                    hellos.add(hello);
                } catch (IOException e) {
                    return;
                }
            }
        }, "silent-peer");
        t.setDaemon(true);
        t.start();
        return hellos;
    }

    @Test
    void aStreamWhoseProbesGoUnansweredIsClosedAndReconnected() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                LogCapture log = new LogCapture(Peer.class)) {
            BlockingQueue<Hello> hellos = silentPeer(server, 2);
            NettyTransport a = transports.create(1, b -> b.probeInterval(Duration.ofMillis(20))
                    .probeTimeout(Duration.ofMillis(200)));
            a.setPeers(Map.of(2L, new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    server.getLocalPort())));
            a.start(new RecordingInbound());

            assertThat(Await.take(hellos, "the first stream").getSenderId()).isEqualTo(1);
            assertThat(Await.take(hellos, "a second stream after the first went silent")
                    .getSenderId()).isEqualTo(1);
            Await.until("the reason is logged", () -> log.contains(
                    "no answer to its round-trip probes"));
        }
    }

    @Test
    void aProbeTimeoutNotLongerThanTheProbeIntervalIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NettyTransportConfig.builder(
                1, "c", Transports.ANY_PORT).probeInterval(Duration.ofSeconds(1))
                .probeTimeout(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("probeTimeout");
    }
}
