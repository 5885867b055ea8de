package io.katd.raft.transport;

import static io.katd.raft.transport.Transports.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS with a CA and certificates made at test time. */
class TlsTest {
    @TempDir
    Path dir;

    private final TestCerts.Issued ca = TestCerts.authority("katd test CA");

    private NettyTransportConfig.Tls files(String name, TestCerts.Issued cert,
            TestCerts.Issued trusted) {
        try {
            return TestCerts.write(dir, name, cert, trusted);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aClusterOverMutualTlsElectsAndReplicates() {
        Map<Long, NettyTransportConfig.Tls> tls = new HashMap<>();
        for (long id = 1; id <= 3; id++) {
            tls.put(id, files("node" + id, TestCerts.issue(ca, "node" + id), ca));
        }
        try (NettyCluster c = NettyCluster.started(3, 11, b -> b,
                (id, b) -> b.tls(tls.get(id)))) {
            c.electFirst();
            c.propose(1, "secret");
            c.propose(3, "also secret");
            c.awaitValues(List.of("secret", "also secret"), 1, 2, 3);
            for (NettyTransport t : c.transports.values()) {
                assertThat(t.stats().tlsHandshakeFailures()).isZero();
            }
        }
    }

    @Test
    void aPeerWhoseCertificateTheCaDidNotSignIsRefused() {
        TestCerts.Issued rogueCa = TestCerts.authority("rogue CA");
        Map<Long, NettyTransportConfig.Tls> tls = new HashMap<>();
        tls.put(1L, files("node1", TestCerts.issue(ca, "node1"), ca));
        tls.put(2L, files("node2", TestCerts.issue(ca, "node2"), ca));
        // Node 3 trusts the cluster's CA, but its own certificate comes from another.
        tls.put(3L, files("node3", TestCerts.issue(rogueCa, "node3"), ca));
        try (LogCapture log = new LogCapture(FrameHandler.class);
                NettyCluster c = NettyCluster.started(3, 12, b -> b,
                        (id, b) -> b.tls(tls.get(id)))) {
            c.node(1).campaign();
            c.awaitLeader(1, 1, 2);
            c.propose(1, "only for 1 and 2");
            c.awaitValues(List.of("only for 1 and 2"), 1, 2);
            Await.until("nodes 1 and 2 refused node 3's certificate",
                    () -> c.transports.get(1L).stats().tlsHandshakeFailures() > 0
                            && c.transports.get(2L).stats().tlsHandshakeFailures() > 0);
            assertThat(log.contains("TLS failed")).isTrue();
            assertThat(c.transports.get(3L).stats().messagesReceived()).isZero();
            assertThat(c.transports.get(3L).stats().connectionsEstablished()).isZero();
            assertThat(c.machines.get(3L).values()).isEmpty();
        }
    }

    @Test
    void aPlainTextPeerCannotTalkToATlsNode() {
        try (Transports transports = new Transports()) {
            NettyTransport secure = transports.create(1, b -> b.tls(
                    files("node1", TestCerts.issue(ca, "node1"), ca)));
            NettyTransport plain = transports.create(2);
            RecordingInbound in = new RecordingInbound();
            secure.start(in);
            plain.setPeers(Map.of(1L, secure.localAddress()));
            plain.start(new RecordingInbound());
            plain.send(List.of(heartbeat(2, 1, 1)));
            Await.until("the TLS node refuses the plain connection",
                    () -> secure.stats().tlsHandshakeFailures() > 0);
            assertThat(in.received).isEmpty();
            assertThat(plain.stats().connectionsEstablished()).isZero();
        }
    }

    @Test
    void unreadableTlsFilesAreNamedInTheError() throws IOException {
        Path bogus = Files.writeString(dir.resolve("bogus.pem"), "not a certificate");
        NettyTransportConfig config = NettyTransportConfig.builder(1, "c",
                new InetSocketAddress("127.0.0.1", 0))
                .tls(new NettyTransportConfig.Tls(bogus, bogus, bogus)).build();
        assertThatThrownBy(() -> new NettyTransport(config, new MemorySnapshotStore()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot load TLS material")
                .hasMessageContaining(bogus.toString());
    }
}
