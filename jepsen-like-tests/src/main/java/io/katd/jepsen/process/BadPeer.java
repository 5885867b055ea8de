package io.katd.jepsen.process;

import io.katd.proto.transport.Frame;
import io.katd.proto.transport.Hello;
import io.katd.proto.transport.StreamKind;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;

/**
 * A stranger on a member's peer port: opens a raw TCP connection straight to it (past the
 * proxy) and sends what no katd peer would: random bytes framed as a frame, a length
 * prefix above any frame limit, or a well-formed Hello of another cluster. The member must
 * close each such connection on its own; {@link #send} says whether it did in time.
 */
final class BadPeer {
  /** The kinds of bad input. */
  enum Input {
    /** A 4-byte length, then that many random bytes: no valid first frame. */
    GARBAGE,
    /** A length prefix of 1 GiB, then a few bytes: larger than any peer accepts. */
    OVERSIZE,
    /** A valid Hello naming a cluster id no member has. */
    FOREIGN_CLUSTER
  }

  static final String FOREIGN_CLUSTER_ID = "jepsen-foreign-cluster";
  private static final int GARBAGE_BYTES = 64;

  private BadPeer() {}

  /** The bytes of {@code input}, drawn from {@code random} where random. */
  static byte[] bytes(Input input, Random random) {
    try {
      java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(b);
      switch (input) {
        case GARBAGE -> {
          byte[] junk = new byte[GARBAGE_BYTES];
          random.nextBytes(junk);
          out.writeInt(junk.length);
          out.write(junk);
        }
        case OVERSIZE -> {
          out.writeInt(1 << 30);
          out.write(new byte[GARBAGE_BYTES]);
        }
        case FOREIGN_CLUSTER -> {
          byte[] hello = Frame.newBuilder().setHello(Hello.newBuilder()
              .setClusterId(FOREIGN_CLUSTER_ID).setSenderId(1 + random.nextInt(1 << 20))
              .setReceiverId(1 + random.nextInt(1 << 20)).setProtocolVersion(1)
              .setKind(StreamKind.STREAM_KIND_RAFT)).build().toByteArray();
          out.writeInt(hello.length);
          out.write(hello);
        }
        default -> throw new AssertionError(input);
      }
      return b.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * What became of one bad connection.
   *
   * @param localPort the port it came from, which the member's log line names
   * @param closed whether the member closed it in time
   */
  record Outcome(int localPort, boolean closed) {}

  /**
   * Sends {@code input} to 127.0.0.1:{@code port} and reads until the other end closes the
   * connection (an orderly close or a reset) or {@code within} passes.
   *
   * @throws IOException when no connection could be made at all
   */
  static Outcome send(int port, Input input, Random random, Duration within)
      throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
          (int) within.toMillis());
      s.setSoTimeout((int) within.toMillis());
      int local = s.getLocalPort();
      s.getOutputStream().write(bytes(input, random));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[1024];
      long deadline = System.nanoTime() + within.toNanos();
      // A refusal may come with a Reject frame first; anything read is skipped.
      while (System.nanoTime() < deadline) {
        try {
          if (in.read(buf) < 0) {
            return new Outcome(local, true);
          }
        } catch (SocketTimeoutException e) {
          return new Outcome(local, false);
        } catch (IOException e) {
          return new Outcome(local, true);
        }
      }
      return new Outcome(local, false);
    }
  }

  /** Whether a line of the member's log says it closed or refused that connection. */
  static boolean logged(String memberLog, int localPort) {
    java.util.regex.Pattern line = java.util.regex.Pattern.compile(
        " (closed|refused) a connection from /127\\.0\\.0\\.1:" + localPort + "[: ]");
    return memberLog.lines().anyMatch(l -> line.matcher(l).find());
  }
}
