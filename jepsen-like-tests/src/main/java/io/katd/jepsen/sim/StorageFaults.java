package io.katd.jepsen.sim;

import java.util.SplittableRandom;

/**
 * The nemesis's storage faults that outlast a crash: a disk that fills up for a while, and a
 * data dir wiped by an operator while its node is down. Each picks a running node only while
 * fewer than a minority are down, so that the cluster keeps a quorum.
 */
final class StorageFaults {
  private final Simulation sim;
  private final SplittableRandom random;
  private boolean wipeUsed;

  StorageFaults(Simulation sim, SplittableRandom random) {
    this.sim = sim;
    this.random = random;
  }

  /**
   * Fills one node's disk for a while. The node stops at its next write (or fsync); once
   * space is freed, it restarts and must catch up without losing anything it acknowledged.
   */
  void diskFull(long durationMicros) {
    SimNode n = sim.pickRunning(random);
    if (n == null || n.disk.isFull() || sim.downCount() >= sim.maxDown()) {
      return;
    }
    boolean atSync = random.nextBoolean();
    n.disk.fill(atSync);
    sim.recorder.band("disk full" + (atSync ? " (at fsync)" : ""), String.valueOf(n.id),
        sim.loop.now(), sim.loop.now() + durationMicros);
    sim.loop.after(durationMicros, n.disk::free);
    sim.restartLater(n, durationMicros + 1);
  }

  /**
   * Wipes one node's data dir (whole, or only its raft log and snapshots) while it is down.
   * At most once a run: the node must refuse to start, so it stays out for good.
   */
  void wipe(long downMicros) {
    SimNode n = sim.pickRunning(random);
    if (wipeUsed || n == null || sim.downCount() >= sim.maxDown()) {
      return;
    }
    wipeUsed = true;
    wipe(sim, n, random.nextBoolean());
    sim.restartLater(n, downMicros);
  }

  /** Kills a node and wipes its data dir (whole, or only the raft log and snapshots). */
  static void wipe(Simulation sim, SimNode n, boolean logOnly) {
    sim.crash(n, "crash before its data dir is wiped");
    n.disk.wipe(logOnly);
    n.wipeInjected = true;
    sim.recorder.note("wiped " + (logOnly ? "the raft log and snapshots" : "the data dir")
        + " of node " + n.id);
  }

  /** Frees every full disk: a node stopped by one restarts when the faults heal. */
  void healAll() {
    for (SimNode n : sim.allNodes()) {
      n.disk.free();
    }
  }
}
