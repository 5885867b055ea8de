package io.katd.jepsen.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.proto.transport.Frame;
import io.katd.proto.transport.Hello;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LinkProxyTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private EchoServer echo;
  private LinkTable table;
  private LinkProxy proxy;
  private final List<Socket> clients = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    echo = new EchoServer();
    table = new LinkTable();
    proxy = new LinkProxy("b", 0, echo.address(), table, SenderOf.fixed("a"), 1);
  }

  @AfterEach
  void tearDown() throws IOException {
    for (Socket s : clients) {
      s.close();
    }
    proxy.close();
    echo.close();
  }

  private Socket dial() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    s.setSoTimeout((int) WAIT.toMillis());
    clients.add(s);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
  }

  private static String read(Socket s, int bytes) throws IOException {
    byte[] got = s.getInputStream().readNBytes(bytes);
    return new String(got, StandardCharsets.UTF_8);
  }

  @Test
  void passingLinkForwardsBothWays() throws IOException {
    Socket s = dial();
    send(s, "hello");
    assertThat(read(s, 5)).isEqualTo("hello");
    assertThat(echo.received.get()).isEqualTo(5);
  }

  @Test
  void blackholeAcceptsButForwardsNothing() throws IOException {
    table.set("a", "b", LinkFault.BLACKHOLE);
    Socket s = dial();
    send(s, "lost");
    Await.until("the proxy dropped a chunk", WAIT, () -> proxy.droppedChunks() >= 1);
    assertThat(echo.received.get()).isZero();
    assertThat(proxy.forwardedChunks()).isZero();
    assertThat(s.getInputStream().available()).isZero();
  }

  @Test
  void aStreamWithAGapIsResetWhenTheLinkHeals() throws IOException {
    table.set("a", "b", LinkFault.BLACKHOLE);
    Socket s = dial();
    send(s, "lost");
    Await.until("the proxy dropped a chunk", WAIT, () -> proxy.droppedChunks() >= 1);
    table.healAll();
    send(s, "after");
    assertThatThrownBy(() -> {
      // A reset shows as an exception or as the end of the stream.
      if (s.getInputStream().read() < 0) {
        throw new SocketException("end of stream");
      }
    }).isInstanceOf(SocketException.class);
    assertThat(echo.received.get()).isZero();
    Socket fresh = dial();
    send(fresh, "new");
    assertThat(read(fresh, 3)).isEqualTo("new");
  }

  @Test
  void delayHoldsEveryChunkInOrder() throws IOException {
    table.set("a", "b", LinkFault.delay(150, 50));
    Socket s = dial();
    long start = System.nanoTime();
    StringBuilder sent = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      String part = "chunk-" + i + ";";
      sent.append(part);
      send(s, part);
    }
    String got = read(s, sent.length());
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(got).isEqualTo(sent.toString());
    // Out through the delay, and the echo back through it again.
    assertThat(millis).isGreaterThanOrEqualTo(300);
  }

  @Test
  void oneWayForwardDropsWhatTheSenderSends() throws IOException {
    table.set("a", "b", LinkFault.oneWay(true));
    Socket s = dial();
    send(s, "ping");
    Await.until("the proxy dropped a chunk", WAIT, () -> proxy.droppedChunks() >= 1);
    assertThat(echo.received.get()).isZero();
  }

  @Test
  void oneWayBackwardDeliversButDropsTheAnswers() throws IOException {
    table.set("a", "b", LinkFault.oneWay(false));
    Socket s = dial();
    send(s, "ping");
    Await.until("the answer was dropped", WAIT, () -> proxy.droppedChunks() >= 1);
    assertThat(echo.received.get()).isEqualTo(4);
    assertThat(s.getInputStream().available()).isZero();
  }

  /** Reads until the connection ends (an orderly end or a reset); the bytes read before. */
  private static int readUntilEnd(Socket s) {
    int n = 0;
    try {
      while (s.getInputStream().read() >= 0) {
        n++;
      }
    } catch (IOException e) {
      // A reset: the end as well.
    }
    return n;
  }

  @Test
  void resetTearsAnOpenStreamInTheMiddleOfAChunkAndRefusesNewOnes() throws IOException {
    Socket s = dial();
    send(s, "hi");
    assertThat(read(s, 2)).isEqualTo("hi");
    table.set("a", "b", LinkFault.RESET);
    send(s, "0123456789");
    Await.until("the connection ended", WAIT, () -> proxy.openConnections() == 0);
    // Only the first half of the chunk reached the member: a torn frame, then the reset.
    Await.until("the member got the first half", WAIT, () -> echo.received.get() == 7);
    assertThat(readUntilEnd(s)).isLessThanOrEqualTo(5);
    assertThatThrownBy(() -> send(s, "more")).isInstanceOf(IOException.class);
    Socket next = dial();
    send(next, "x");
    assertThat(readUntilEnd(next)).isZero();
    assertThat(echo.received.get()).isEqualTo(7);
    assertThat(proxy.resets()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void halfOpenStallsBothWaysWithoutClosingAndStaysStalledOnceLifted() throws IOException {
    Socket s = dial();
    send(s, "hi");
    assertThat(read(s, 2)).isEqualTo("hi");
    table.set("a", "b", LinkFault.halfOpen(LinkFault.Ways.BOTH));
    send(s, "lost");
    Await.until("the proxy stalled the stream", WAIT, () -> proxy.stalls() >= 1);
    assertThat(proxy.openConnections()).as("nothing was closed").isEqualTo(1);
    assertThat(proxy.resets()).isZero();

    table.healAll();
    send(s, "still lost");
    Socket fresh = dial();
    send(fresh, "new");
    assertThat(read(fresh, 3)).as("a new connection passes once lifted").isEqualTo("new");
    assertThat(echo.received.get()).as("the stalled stream delivered nothing more")
        .isEqualTo(2 + 3);
    assertThat(s.getInputStream().available()).isZero();
    assertThat(proxy.openConnections()).isEqualTo(2);
    assertThat(proxy.resets()).isZero();
  }

  @Test
  void halfOpenBackwardDeliversTheStreamButNeverItsAnswers() throws IOException {
    table.set("a", "b", LinkFault.halfOpen(LinkFault.Ways.BACKWARD));
    Socket s = dial();
    send(s, "ping");
    Await.until("the answer stalled", WAIT, () -> proxy.stalls() >= 1);
    assertThat(echo.received.get()).isEqualTo(4);
    send(s, "more");
    Await.until("the stream still flows", WAIT, () -> echo.received.get() == 8);
    assertThat(s.getInputStream().available()).isZero();
    assertThat(proxy.resets()).isZero();
  }

  @Test
  void halfOpenNeedsADirectionToStall() {
    assertThatThrownBy(() -> LinkFault.halfOpen(LinkFault.Ways.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HALF_OPEN");
  }

  @Test
  void flappingAlternatesOnASeededSchedule() {
    LinkFault f = LinkFault.flapping(42, 1_000);
    List<Boolean> states = new ArrayList<>();
    int switches = 0;
    for (long t = 0; t < 20_000; t += 50) {
      boolean passes = f.flapPasses(t);
      if (!states.isEmpty() && states.get(states.size() - 1) != passes) {
        switches++;
      }
      states.add(passes);
      assertThat(LinkFault.flapping(42, 1_000).flapPasses(t)).isEqualTo(passes);
    }
    assertThat(states.get(0)).as("starts passing").isTrue();
    // Periods last between 500 and 1000 ms: 20 s holds 20 to 40 of them.
    assertThat(switches).isBetween(19, 40);
    assertThat(states).contains(true, false);
  }

  @Test
  void flappingLinkDropsDuringItsBlackholePeriods() throws IOException {
    table.set("a", "b", LinkFault.flapping(7, 200));
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (proxy.droppedChunks() == 0 && System.nanoTime() < deadline) {
      Socket s = dial();
      send(s, "tick");
      try {
        read(s, 4);
      } catch (IOException dropped) {
        // Reset after a gap: the flap closed this stream.
      }
    }
    assertThat(proxy.droppedChunks()).isPositive();
    assertThat(proxy.forwardedChunks()).isPositive();
  }

  @Test
  void helloNamesTheSenderSoOnlyItsLinkIsFaulty() throws IOException {
    proxy.close();
    proxy = new LinkProxy("b", 0, echo.address(), table,
        SenderOf.hello(id -> id == 7 ? "a" : id == 9 ? "c" : null), 1);
    table.set("a", "b", LinkFault.BLACKHOLE);
    Socket fromC = dial();
    byte[] helloC = hello(9);
    fromC.getOutputStream().write(helloC);
    assertThat(fromC.getInputStream().readNBytes(helloC.length)).isEqualTo(helloC);
    Socket fromA = dial();
    fromA.getOutputStream().write(hello(7));
    Await.until("a's hello was dropped", WAIT, () -> proxy.droppedChunks() >= 1);
    assertThat(echo.received.get()).isEqualTo(helloC.length);
  }

  private static byte[] hello(long sender) throws IOException {
    byte[] frame = Frame.newBuilder().setHello(Hello.newBuilder().setSenderId(sender)
        .setReceiverId(2).setClusterId("c")).build().toByteArray();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(frame.length);
    d.write(frame);
    return b.toByteArray();
  }
}
