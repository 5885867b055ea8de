package io.katd.jepsen.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of one member's peer port: every other member dials it instead of
 * the member, and it forwards to the member's real port. Each accepted connection belongs to
 * the directed link (sender, member), the sender named by {@link SenderOf} from the first
 * frame, and the link's {@link LinkFault} in the {@link LinkTable} decides, chunk by chunk,
 * what happens to its bytes.
 *
 * <p>A direction that dropped bytes never forwards again: its stream has a gap, so the next
 * chunk it would forward closes the connection with a reset instead, and the sender's
 * transport reconnects with a fresh stream, as it would after a real network fault. A
 * reset tears the stream in the middle of a chunk: the receiver gets the first half of it
 * and then the reset. A half-open link stops reading and forwarding without closing
 * anything; the connections it stalled stay stalled until a member closes its end, which
 * the proxy does not pass on either, as a vanished far end would not.
 */
final class LinkProxy implements AutoCloseable {
  private static final int CHUNK_BYTES = 16 * 1024;
  private static final int CONNECT_TIMEOUT_MILLIS = 1_000;
  private static final int HELLO_TIMEOUT_MILLIS = 10_000;

  private final String to;
  private final InetSocketAddress target;
  private final LinkTable table;
  private final SenderOf senderOf;
  private final ServerSocket server;
  private final Random jitter;
  private final Set<ProxiedConnection> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong forwardedChunks = new AtomicLong();
  private final AtomicLong droppedChunks = new AtomicLong();
  private final AtomicLong resets = new AtomicLong();
  private final AtomicLong stalls = new AtomicLong();
  private volatile boolean closed;

  /** Listens on 127.0.0.1:{@code port} (0 for any free port) and starts accepting. */
  LinkProxy(String to, int port, InetSocketAddress target, LinkTable table, SenderOf senderOf,
      long seed) throws IOException {
    this.to = to;
    this.target = target;
    this.table = table;
    this.senderOf = senderOf;
    this.jitter = new Random(seed);
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    Thread t = new Thread(this::acceptLoop, "proxy-" + to + "-accept");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  String to() {
    return to;
  }

  long accepted() {
    return accepted.get();
  }

  long forwardedChunks() {
    return forwardedChunks.get();
  }

  long droppedChunks() {
    return droppedChunks.get();
  }

  long resets() {
    return resets.get();
  }

  /** Directions of connections a half-open fault stalled. */
  long stalls() {
    return stalls.get();
  }

  int openConnections() {
    return open.size();
  }

  /** Closes every open connection from {@code from} with a reset. */
  void resetConnectionsFrom(String from) {
    for (ProxiedConnection c : open) {
      if (c.from.equals(from)) {
        c.reset();
      }
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!closed) {
          System.err.println("proxy " + to + " stopped accepting: " + e);
        }
        return;
      }
      accepted.incrementAndGet();
      Thread t = new Thread(() -> connect(client), "proxy-" + to + "-open");
      t.setDaemon(true);
      t.start();
    }
  }

  private void connect(Socket client) {
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    String from;
    Socket upstream = new Socket();
    try {
      client.setTcpNoDelay(true);
      client.setSoTimeout(HELLO_TIMEOUT_MILLIS);
      from = senderOf.identify(client.getInputStream(), first);
      client.setSoTimeout(0);
      if (table.current(from, to).fault().kind() == LinkFault.Kind.RESET) {
        resets.incrementAndGet();
        abort(client);
        abort(upstream);
        return;
      }
      upstream.setTcpNoDelay(true);
      upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      abort(client);
      abort(upstream);
      return;
    }
    ProxiedConnection c = new ProxiedConnection(from, client, upstream);
    open.add(c);
    if (closed) {
      c.reset();
      return;
    }
    c.start(first.toByteArray());
  }

  static void abort(Socket s) {
    try {
      if (!s.isClosed()) {
        s.setSoLinger(true, 0);
      }
    } catch (IOException ignored) {
      // Already broken: closing is all that is left.
    }
    try {
      s.close();
    } catch (IOException ignored) {
      // Nothing more to release.
    }
  }

  private long delayNanos(LinkFault f) {
    long extra;
    synchronized (jitter) {
      extra = f.jitterMillis() == 0 ? 0 : (long) (jitter.nextDouble() * f.jitterMillis());
    }
    return (f.delayMillis() + extra) * 1_000_000;
  }

  /** What a link's fault does to one chunk going one way. */
  private enum Decision { FORWARD, DROP, RESET, STALL }

  private Decision decide(LinkTable.Current cur, boolean forward) {
    LinkFault f = cur.fault();
    return switch (f.kind()) {
      case PASS, DELAY -> Decision.FORWARD;
      case BLACKHOLE -> Decision.DROP;
      case ONE_WAY -> f.ways().includes(forward) ? Decision.DROP : Decision.FORWARD;
      case HALF_OPEN -> f.ways().includes(forward) ? Decision.STALL : Decision.FORWARD;
      case FLAPPING -> f.flapPasses((table.nowNanos() - cur.sinceNanos()) / 1_000_000)
          ? Decision.FORWARD : Decision.DROP;
      case RESET -> Decision.RESET;
    };
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // The port is released either way.
    }
    for (ProxiedConnection c : open) {
      c.reset();
    }
  }

  /** One accepted connection and its upstream connection to the member. */
  private final class ProxiedConnection {
    private final String from;
    private final Socket client;
    private final Socket upstream;
    private final DelayLine toUpstream;
    private final DelayLine toClient;
    private final java.util.concurrent.atomic.AtomicInteger ended =
        new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.CountDownLatch finished =
        new java.util.concurrent.CountDownLatch(1);
    // Directions a half-open fault stalled; a stalled direction never moves again.
    private volatile boolean stalledForward;
    private volatile boolean stalledBackward;
    private volatile boolean done;

    ProxiedConnection(String from, Socket client, Socket upstream) {
      this.from = from;
      this.client = client;
      this.upstream = upstream;
      this.toUpstream = new DelayLine("proxy-" + from + "-" + to + "-fwd", upstream,
          this::reset);
      this.toClient = new DelayLine("proxy-" + from + "-" + to + "-back", client,
          this::reset);
    }

    void start(byte[] firstBytes) {
      toUpstream.start();
      toClient.start();
      daemon(() -> pump(client, true, firstBytes), "proxy-" + from + "-" + to + "-in");
      daemon(() -> pump(upstream, false, new byte[0]), "proxy-" + from + "-" + to + "-out");
    }

    private void daemon(Runnable r, String name) {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      t.start();
    }

    private void pump(Socket source, boolean forward, byte[] firstBytes) {
      DelayLine line = forward ? toUpstream : toClient;
      boolean gap = false;
      try {
        InputStream in = source.getInputStream();
        byte[] pending = firstBytes;
        byte[] buf = new byte[CHUNK_BYTES];
        while (!done) {
          byte[] chunk;
          if (pending.length > 0) {
            chunk = pending;
            pending = new byte[0];
          } else {
            int n = in.read(buf);
            if (n < 0) {
              line.endOfStream();
              if (ended.incrementAndGet() == 2) {
                close();
              }
              return;
            }
            chunk = java.util.Arrays.copyOf(buf, n);
          }
          LinkTable.Current cur = table.current(from, to);
          if (cur.fault().kind() == LinkFault.Kind.HALF_OPEN) {
            stall(cur.fault().ways());
          }
          if (forward ? stalledForward : stalledBackward) {
            droppedChunks.incrementAndGet();
            stalls.incrementAndGet();
            finished.await();
            return;
          }
          Decision d = decide(cur, forward);
          if (d == Decision.RESET && !gap && chunk.length >= 2) {
            line.sendThenFail(java.util.Arrays.copyOf(chunk, chunk.length / 2));
            return;
          }
          if (d == Decision.RESET || d == Decision.FORWARD && gap) {
            reset();
            return;
          }
          if (d == Decision.DROP) {
            gap = true;
            droppedChunks.incrementAndGet();
            continue;
          }
          forwardedChunks.incrementAndGet();
          line.send(chunk, delayNanos(cur.fault()));
        }
      } catch (IOException e) {
        reset();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void stall(LinkFault.Ways ways) {
      stalledForward |= ways.includes(true);
      stalledBackward |= ways.includes(false);
    }

    /** Both directions ended: lets the queued bytes out, then releases the sockets. */
    private void close() {
      open.remove(this);
      done = true;
      finished.countDown();
    }

    synchronized void reset() {
      if (done) {
        return;
      }
      done = true;
      finished.countDown();
      resets.incrementAndGet();
      toUpstream.stop();
      toClient.stop();
      abort(client);
      abort(upstream);
      open.remove(this);
    }
  }
}
