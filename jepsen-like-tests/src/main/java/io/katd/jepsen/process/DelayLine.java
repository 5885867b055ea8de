package io.katd.jepsen.process;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes chunks to a socket, each no earlier than its due time and never before a chunk
 * sent ahead of it, so a delayed stream keeps its order. A write failure runs
 * {@code onFailure}.
 */
final class DelayLine {
  private record Chunk(long dueNanos, byte[] bytes, boolean last) {}

  private static final byte[] END = new byte[0];

  private final LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
  private final Socket socket;
  private final Runnable onFailure;
  private final Thread writer;
  private long lastDueNanos;
  private volatile boolean stopped;

  DelayLine(String name, Socket socket, Runnable onFailure) {
    this.socket = socket;
    this.onFailure = onFailure;
    this.writer = new Thread(this::run, name);
    writer.setDaemon(true);
  }

  void start() {
    writer.start();
  }

  /** Queues {@code bytes} to be written {@code delayNanos} from now, after earlier chunks. */
  synchronized void send(byte[] bytes, long delayNanos) {
    long due = Math.max(lastDueNanos, System.nanoTime() + delayNanos);
    lastDueNanos = due;
    queue.add(new Chunk(due, bytes, false));
  }

  /**
   * Queues {@code bytes} after the earlier chunks and runs {@code onFailure} once they are
   * written: the way to tear a connection down in the middle of what it was sending.
   */
  synchronized void sendThenFail(byte[] bytes) {
    queue.add(new Chunk(Math.max(lastDueNanos, System.nanoTime()), bytes, true));
  }

  /** Half-closes the socket once every queued chunk is written. */
  synchronized void endOfStream() {
    queue.add(new Chunk(lastDueNanos, END, false));
  }

  void stop() {
    stopped = true;
    writer.interrupt();
  }

  private void run() {
    try {
      OutputStream out = socket.getOutputStream();
      while (!stopped) {
        Chunk c = queue.take();
        long wait = c.dueNanos() - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        if (c.bytes() == END) {
          socket.shutdownOutput();
          return;
        }
        out.write(c.bytes());
        out.flush();
        if (c.last()) {
          onFailure.run();
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      if (!stopped) {
        onFailure.run();
      }
    }
  }
}
