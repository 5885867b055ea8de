package io.katd.jepsen.sim;

import io.katd.jepsen.sim.Coverage.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Injects the scenario's enabled faults during the fault window, one every few hundred
 * milliseconds, each with its own end, and heals everything when the window closes.
 */
final class Nemesis {
  private final Simulation sim;
  private final SplittableRandom random;
  private final List<FaultKind> kinds;
  private final StorageFaults storage;
  private long windowEnd;
  private boolean bitFlipUsed;

  Nemesis(Simulation sim, SplittableRandom random) {
    this.sim = sim;
    this.random = random;
    this.kinds = new ArrayList<>(sim.scenario.faults());
    kinds.sort(null);
    this.storage = new StorageFaults(sim, random.split());
  }

  void start(long until) {
    windowEnd = until;
    SimNetwork net = sim.network;
    if (sim.scenario.has(FaultKind.DROP)) {
      net.dropRate = 0.02 + random.nextDouble() * 0.1;
    }
    if (sim.scenario.has(FaultKind.DUPLICATE)) {
      net.duplicateRate = 0.02 + random.nextDouble() * 0.1;
    }
    if (sim.scenario.has(FaultKind.REORDER)) {
      net.jitterMicros = 5_000 + random.nextLong(20_000);
    }
    if (!kinds.isEmpty()) {
      schedule();
    }
  }

  void stop() {
    windowEnd = 0;
  }

  private void schedule() {
    sim.loop.after(50_000 + random.nextLong(250_000), () -> {
      if (sim.loop.now() >= windowEnd) {
        return;
      }
      inject(kinds.get(random.nextInt(kinds.size())));
      schedule();
    });
  }

  private long duration() {
    return 100_000 + random.nextLong(500_000);
  }

  private void inject(FaultKind kind) {
    switch (kind) {
      case DROP, DUPLICATE, REORDER -> { } // Set for the whole window in start().
      case DELAY_SPIKE -> {
        long d = duration() / 2;
        sim.network.spikeUntilMicros = sim.loop.now() + d;
        sim.recorder.band("delay-spike", "*", sim.loop.now(), sim.loop.now() + d);
      }
      case CLOG -> clog();
      case PARTITION, ONE_WAY, ISOLATE_LEADER, BRIDGE, RING -> partition(kind);
      case FLAPPING -> flap(4 + random.nextInt(6));
      case CRASH -> crash(false);
      case TORN_WRITE -> crash(true);
      case PAUSE -> pause();
      case SLOW_NODE -> slow();
      case FSYNC_ERROR -> {
        SimNode n = sim.pickRunning(random);
        if (n != null && sim.downCount() < sim.maxDown()) {
          n.disk.failNextSync();
          sim.recorder.note("fsync of node " + n.id + " will fail");
        }
      }
      case BIT_FLIP -> bitFlip();
      case DISK_FULL -> storage.diskFull(duration());
      case WIPED_DATA_DIR -> storage.wipe(duration());
      case CLOCK -> clock();
      case COMPACTION -> sim.compactKv();
      case MEMBERSHIP -> sim.membership.step();
    }
  }

  private void clog() {
    List<Long> ids = sim.nodeIds();
    long a = ids.get(random.nextInt(ids.size()));
    long b = ids.get(random.nextInt(ids.size()));
    if (a == b) {
      return;
    }
    long d = duration() / 2;
    sim.network.clog(a, b);
    sim.recorder.band("clog " + a + "->" + b, a + "," + b, sim.loop.now(), sim.loop.now() + d);
    sim.loop.after(d, sim.network::releaseClogs);
  }

  private void partition(FaultKind kind) {
    if (sim.network.partitioned()) {
      return;
    }
    String shape = Partitions.apply(kind, sim, random);
    if (shape == null) {
      return;
    }
    long d = duration();
    sim.recorder.band(shape, "*", sim.loop.now(), sim.loop.now() + d);
    sim.loop.after(d, this::healPartition);
  }

  private void healPartition() {
    if (sim.network.partitioned()) {
      sim.network.healPartitions();
      sim.coverage.add(Counter.PARTITIONS_HEALED);
    }
  }

  private void flap(int times) {
    if (times == 0 || sim.loop.now() >= windowEnd) {
      healPartition();
      return;
    }
    if (sim.network.partitioned()) {
      healPartition();
    } else {
      String shape = Partitions.apply(FaultKind.PARTITION, sim, random);
      sim.recorder.band("flapping " + shape, "*", sim.loop.now(), sim.loop.now() + 60_000);
    }
    sim.loop.after(30_000 + random.nextLong(60_000), () -> flap(times - 1));
  }

  private void crash(boolean tear) {
    int how = random.nextInt(4);
    // A crash in the middle of a snapshot install needs a node that will get one: the one
    // furthest behind.
    SimNode n = how == 3 ? sim.running().stream().min(java.util.Comparator.comparingLong(
        x -> x.sm.appliedIndex())).orElse(null) : sim.pickRunning(random);
    if (n == null || sim.downCount() >= sim.maxDown()) {
      return;
    }
    n.tearOnCrash = tear;
    if (how == 0) {
      sim.crash(n, tear ? "crash tearing the last write" : "crash (kill -9)");
    } else {
      n.crashPoint = SimNode.CrashPoint.values()[how - 1];
      int inc = n.incarnation;
      // An armed crash that found no boundary to strike at strikes anyway.
      sim.loop.after(how == 3 ? 600_000 : 200_000, () -> {
        if (n.incarnation == inc && n.isUp() && n.crashPoint != null) {
          sim.crash(n, "crash (kill -9)");
        }
      });
    }
    sim.restartLater(n, duration());
  }

  private void pause() {
    SimNode n = random.nextBoolean() ? sim.leader() : sim.pickRunning(random);
    if (n == null || !n.canRun()) {
      return;
    }
    long d = sim.electionMicros() * 2 + random.nextLong(sim.electionMicros() * 3);
    n.paused = true;
    sim.coverage.add(Counter.PAUSES);
    sim.recorder.band("paused", String.valueOf(n.id), sim.loop.now(), sim.loop.now() + d);
    int inc = n.incarnation;
    sim.loop.after(d, () -> {
      if (n.incarnation == inc && n.isUp()) {
        n.resume();
      }
    });
  }

  private void slow() {
    SimNode n = random.nextBoolean() ? sim.leader() : sim.pickRunning(random);
    if (n == null || n.slowSyncMicros > 0) {
      return;
    }
    long syncMicros = 1_000 + random.nextLong(sim.electionMicros() * 3 / 2);
    long d = duration() * 2;
    n.slowSyncMicros = syncMicros;
    sim.recorder.band("slow disk, sync " + syncMicros / 1000 + "ms", String.valueOf(n.id),
        sim.loop.now(), sim.loop.now() + d);
    int inc = n.incarnation;
    sim.loop.after(d, () -> {
      if (n.incarnation == inc) {
        n.slowSyncMicros = 0;
      }
    });
  }

  private void bitFlip() {
    // Corruption on one node only: a minority, so no acknowledged data is lost.
    SimNode n = sim.pickRunning(random);
    if (bitFlipUsed || n == null || sim.downCount() >= sim.maxDown()) {
      return;
    }
    bitFlipUsed = true;
    sim.crash(n, "crash before a bit flip");
    if (n.disk.flipBit(random)) {
      n.corruptionInjected = true;
      sim.recorder.note("flipped a bit on node " + n.id);
    }
    sim.restartLater(n, duration());
  }

  private void clock() {
    SimNode n = sim.pickRunning(random);
    if (n == null) {
      return;
    }
    if (random.nextBoolean()) {
      long delta = (random.nextBoolean() ? 1 : -1) * (50_000 + random.nextLong(400_000));
      n.clock.jump(delta);
      sim.coverage.add(Counter.CLOCK_JUMPS);
      sim.onClockJump(n, delta);
      sim.recorder.band("clock " + (delta > 0 ? "+" : "") + delta / 1000 + "ms",
          String.valueOf(n.id), sim.loop.now(), sim.loop.now() + 20_000);
    } else {
      long ppm = random.nextLong(-50_000, 50_001);
      n.clock.drift(ppm);
      sim.recorder.note("node " + n.id + " clock drift " + ppm + " ppm");
    }
  }

  /**
   * Ends every fault: partitions, clogs, pauses, slow disks and spikes; crashed nodes
   * restart.
   */
  void healAll() {
    storage.healAll();
    sim.nodeIds().forEach(id -> sim.node(id).slowSyncMicros = 0);
    healPartition();
    sim.network.releaseClogs();
    sim.network.dropRate = 0;
    sim.network.duplicateRate = 0;
    sim.network.jitterMicros = 1000;
    sim.network.spikeUntilMicros = 0;
  }
}
