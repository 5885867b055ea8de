package io.katd.jepsen.process;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A slow member: its process is stopped (SIGSTOP) and continued (SIGCONT) in a duty cycle,
 * stopped 30 to 200 ms at a time and running 10 to 60 ms in between, so it runs at a
 * fraction of its speed and answers with pauses on the order of a heartbeat or more, but
 * shorter than a whole election timeout. The pattern of a starved CPU or a stalling disk.
 */
final class SlowProcess implements AutoCloseable {
  private final KatdCluster cluster;
  private final String name;
  private final Random random;
  private final Thread thread;
  private volatile boolean stopping;
  private int cycles;

  private SlowProcess(KatdCluster cluster, String name, Random random) {
    this.cluster = cluster;
    this.name = name;
    this.random = random;
    this.thread = new Thread(this::run, "slow-" + name);
    thread.setDaemon(true);
  }

  /** Starts slowing the member down; {@link #close} ends it and leaves it running. */
  static SlowProcess start(KatdCluster cluster, String name, Random random) {
    SlowProcess s = new SlowProcess(cluster, name, random);
    s.thread.start();
    return s;
  }

  private void run() {
    try {
      while (!stopping) {
        cluster.pause(name);
        TimeUnit.MILLISECONDS.sleep(30 + random.nextInt(171));
        cluster.resume(name);
        cycles++;
        TimeUnit.MILLISECONDS.sleep(10 + random.nextInt(51));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      cluster.resume(name);
    }
  }

  /** Ends the duty cycle with the member running; returns how many stops it made. */
  @Override
  public void close() throws InterruptedException {
    stopping = true;
    thread.join();
    cluster.resume(name);
  }

  int cycles() {
    return cycles;
  }
}
