package io.katd.jepsen.sim;

import io.katd.jepsen.sim.Coverage.Counter;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.raft.SnapshotStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The peer network: every message is delayed, and may be dropped, duplicated, reordered,
 * held back on a clogged link or cut by a partition (a set of directed links that do not
 * deliver). A snapshot message's fate is reported back to its sender, as the transport
 * does.
 */
final class SimNetwork {
  static final long BASE_DELAY_MICROS = 500;

  private final Simulation sim;
  private final SplittableRandom random;
  private final Set<Long> cut = new TreeSet<>();
  private final Set<Long> clogged = new TreeSet<>();
  private final List<Message> held = new ArrayList<>();
  double dropRate;
  double duplicateRate;
  long jitterMicros = 1000;
  long spikeUntilMicros;

  SimNetwork(Simulation sim, SplittableRandom random) {
    this.sim = sim;
    this.random = random;
  }

  private static long link(long from, long to) {
    return from * 1000 + to;
  }

  void cut(long from, long to) {
    cut.add(link(from, to));
  }

  boolean isCut(long from, long to) {
    return cut.contains(link(from, to));
  }

  boolean partitioned() {
    return !cut.isEmpty();
  }

  void healPartitions() {
    cut.clear();
  }

  void clog(long from, long to) {
    clogged.add(link(from, to));
  }

  /** Releases every clogged link: what it held arrives in one burst. */
  void releaseClogs() {
    clogged.clear();
    List<Message> burst = new ArrayList<>(held);
    held.clear();
    for (Message m : burst) {
      sim.loop.after(BASE_DELAY_MICROS, () -> deliver(m));
    }
  }

  void send(Message m) {
    if (clogged.contains(link(m.getFrom(), m.getTo()))) {
      held.add(m);
      return;
    }
    if (isCut(m.getFrom(), m.getTo()) || random.nextDouble() < dropRate) {
      sim.coverage.add(Counter.MESSAGES_DROPPED);
      reportSnapshot(m, SnapshotStatus.FAILURE);
      return;
    }
    sim.loop.after(delay(), () -> deliver(m));
    if (random.nextDouble() < duplicateRate) {
      sim.coverage.add(Counter.MESSAGES_DUPLICATED);
      sim.loop.after(delay(), () -> deliver(m));
    }
  }

  private long delay() {
    long d = BASE_DELAY_MICROS + random.nextLong(jitterMicros + 1);
    if (sim.loop.now() < spikeUntilMicros) {
      d *= 10 + random.nextInt(20);
    }
    return d;
  }

  private void deliver(Message m) {
    // A partition that began while the message was in flight cuts it too.
    if (isCut(m.getFrom(), m.getTo())) {
      reportSnapshot(m, SnapshotStatus.FAILURE);
      return;
    }
    SimNode to = sim.node(m.getTo());
    if (to == null || !to.isUp()) {
      reportSnapshot(m, SnapshotStatus.FAILURE);
      return;
    }
    to.onNode(to.incarnation, () -> to.step(m));
    reportSnapshot(m, SnapshotStatus.FINISH);
  }

  private void reportSnapshot(Message m, SnapshotStatus status) {
    if (m.getType() != MessageType.MsgSnap) {
      return;
    }
    SimNode from = sim.node(m.getFrom());
    if (from != null && from.isUp()) {
      int inc = from.incarnation;
      sim.loop.after(BASE_DELAY_MICROS, () -> from.onNode(inc,
          () -> from.raw.reportSnapshot(m.getTo(), status)));
    }
  }
}
