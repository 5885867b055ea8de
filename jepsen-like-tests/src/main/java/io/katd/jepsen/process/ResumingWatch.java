package io.katd.jepsen.process;

import io.katd.jepsen.check.WatchStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's logical watch of the workload's keys from revision 1: when its server-side
 * watch ends (the member died, or the connection broke) or makes no progress for a while
 * although the cluster moved on, it resumes on the next member from the revision after the
 * last one it received. Everything it received, in order, becomes one {@link WatchStream}.
 */
final class ResumingWatch implements Runnable {
  private static final long STALL_MILLIS = 5_000;

  private final EtcdEndpoints endpoints;
  private final RunLog log;
  private final List<WatchStream.Delivery> received = new ArrayList<>();
  private volatile boolean stopped;
  private volatile long lastRevision;
  private volatile long lastProgressNanos = System.nanoTime();
  private int member;
  private int resumes;
  // Deliveries of a feed other than the newest one are late and ignored.
  private int generation;

  ResumingWatch(EtcdEndpoints endpoints, RunLog log) {
    this.endpoints = endpoints;
    this.log = log;
  }

  long lastRevision() {
    return lastRevision;
  }

  synchronized int resumes() {
    return resumes;
  }

  void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    while (!stopped) {
      int gen;
      long start;
      synchronized (this) {
        gen = ++generation;
        start = lastRevision + 1;
      }
      WatchFeed feed = new WatchFeed(endpoints, member, RegisterClient.PREFIX,
          RegisterClient.PREFIX_END, start, d -> deliver(gen, d));
      lastProgressNanos = System.nanoTime();
      try {
        while (!stopped && !feed.awaitEnd(200)) {
          if (System.nanoTime() - lastProgressNanos > STALL_MILLIS * 1_000_000) {
            feed.cancel();
            log.note("watch on member " + member + " made no progress for "
                + STALL_MILLIS + " ms");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        feed.cancel();
        return;
      }
      feed.cancel();
      if (!stopped) {
        log.note("watch on member " + member + " ended (" + feed.endReason()
            + "); resuming from revision " + (lastRevision + 1) + " on the next member");
        synchronized (this) {
          resumes++;
        }
        member = (member + 1) % endpoints.size();
        endpoints.reconnect(member);
      }
    }
  }

  private synchronized void deliver(int gen, List<WatchStream.Delivery> deliveries) {
    if (gen != generation) {
      return;
    }
    received.addAll(deliveries);
    for (WatchStream.Delivery d : deliveries) {
      lastRevision = Math.max(lastRevision, d.revision());
    }
    lastProgressNanos = System.nanoTime();
  }

  /** The stream as the checker reads it; {@code caughtUpTo} is the final revision. */
  synchronized WatchStream stream(long caughtUpTo) {
    return new WatchStream("client watch", RegisterClient.PREFIX, 1, received, caughtUpTo);
  }
}
