package io.katd.jepsen.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.proto.transport.Frame;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BadPeerTest {
  private static DataInputStream in(byte[] b) {
    return new DataInputStream(new java.io.ByteArrayInputStream(b));
  }

  @Test
  void garbageIsAFramedRunOfSeededRandomBytes() throws IOException {
    byte[] a = BadPeer.bytes(BadPeer.Input.GARBAGE, new Random(3));
    assertThat(in(a).readInt()).isEqualTo(a.length - 4);
    assertThat(BadPeer.bytes(BadPeer.Input.GARBAGE, new Random(3))).isEqualTo(a);
    assertThat(BadPeer.bytes(BadPeer.Input.GARBAGE, new Random(4))).isNotEqualTo(a);
  }

  @Test
  void oversizeAnnouncesAFrameOfAGibibyte() throws IOException {
    assertThat(in(BadPeer.bytes(BadPeer.Input.OVERSIZE, new Random(1))).readInt())
        .isEqualTo(1 << 30);
  }

  @Test
  void foreignClusterIsAWellFormedHelloOfAnotherCluster() throws IOException {
    DataInputStream d = in(BadPeer.bytes(BadPeer.Input.FOREIGN_CLUSTER, new Random(1)));
    byte[] body = new byte[d.readInt()];
    d.readFully(body);
    Frame f = Frame.parseFrom(body);
    assertThat(f.hasHello()).isTrue();
    assertThat(f.getHello().getClusterId()).isEqualTo(BadPeer.FOREIGN_CLUSTER_ID);
  }

  @Test
  void aServerThatClosesIsSeenClosingAndOneThatHoldsOnIsNot() throws Exception {
    try (ServerSocket closing = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        ServerSocket holding = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (Socket s = closing.accept()) {
          s.getInputStream().readNBytes(4);
        } catch (IOException ignored) {
          // The client gave up first.
        }
      });
      t.start();
      BadPeer.Outcome closed = BadPeer.send(closing.getLocalPort(), BadPeer.Input.GARBAGE,
          new Random(1), Duration.ofSeconds(10));
      assertThat(closed.closed()).isTrue();
      assertThat(closed.localPort()).isPositive();
      t.join();
      // Accepted by the backlog, never read, never closed.
      BadPeer.Outcome held = BadPeer.send(holding.getLocalPort(), BadPeer.Input.OVERSIZE,
          new Random(1), Duration.ofMillis(300));
      assertThat(held.closed()).isFalse();
    }
  }

  @Test
  void theLogLineMustNameTheConnection() {
    String log = String.join("\n", Arrays.asList(
        "2024-01-01T00:00:00.000Z WARN  [nioEventLoopGroup-2-1] i.k.r.t.FrameHandler - node 7"
            + " closed a connection from /127.0.0.1:40001: undecodable frame: x",
        "2024-01-01T00:00:00.000Z WARN  [nioEventLoopGroup-2-1] i.k.r.t.FrameHandler - node 7"
            + " refused a connection from /127.0.0.1:40002 (claims to be node 5): cluster id"));
    assertThat(BadPeer.logged(log, 40001)).isTrue();
    assertThat(BadPeer.logged(log, 40002)).isTrue();
    assertThat(BadPeer.logged(log, 4000)).isFalse();
    assertThat(BadPeer.logged(log, 40003)).isFalse();
  }
}
