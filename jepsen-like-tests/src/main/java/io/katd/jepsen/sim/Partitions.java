package io.katd.jepsen.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/** The partition shapes of VERIFY.md, as sets of cut links. */
final class Partitions {
  private Partitions() {}

  /** Cuts the links of one shape; returns its name, or null if it does not apply now. */
  static String apply(FaultKind kind, Simulation sim, SplittableRandom random) {
    List<Long> ids = new ArrayList<>(sim.nodeIds());
    shuffle(ids, random);
    SimNetwork net = sim.network;
    int n = ids.size();
    switch (kind) {
      case PARTITION -> {
        int minority = 1 + random.nextInt((n - 1) / 2);
        cutBetween(net, ids.subList(0, minority), ids.subList(minority, n));
        return "partition " + ids.subList(0, minority) + "|" + ids.subList(minority, n);
      }
      case ONE_WAY -> {
        long from = ids.get(0);
        for (long to : ids.subList(1, n)) {
          if (random.nextBoolean() || to == ids.get(1)) {
            net.cut(from, to);
          }
        }
        return "one-way from " + from;
      }
      case ISOLATE_LEADER -> {
        SimNode leader = sim.leader();
        if (leader == null) {
          return null;
        }
        List<Long> rest = new ArrayList<>(ids);
        rest.remove(leader.id);
        cutBetween(net, List.of(leader.id), rest);
        return "isolate leader " + leader.id;
      }
      case BRIDGE -> {
        long bridge = ids.get(0);
        int half = (n - 1) / 2;
        List<Long> left = ids.subList(1, 1 + half);
        List<Long> right = ids.subList(1 + half, n);
        cutBetween(net, left, right);
        return "bridge " + left + "<" + bridge + ">" + right;
      }
      case RING -> {
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            int dist = Math.abs(i - j);
            if (i != j && Math.min(dist, n - dist) > 1) {
              net.cut(ids.get(i), ids.get(j));
            }
          }
        }
        return "ring " + ids;
      }
      default -> throw new IllegalArgumentException("not a partition: " + kind);
    }
  }

  private static void cutBetween(SimNetwork net, List<Long> a, List<Long> b) {
    for (long x : a) {
      for (long y : b) {
        net.cut(x, y);
        net.cut(y, x);
      }
    }
  }

  private static void shuffle(List<Long> ids, SplittableRandom random) {
    Collections.sort(ids);
    for (int i = ids.size() - 1; i > 0; i--) {
      Collections.swap(ids, i, random.nextInt(i + 1));
    }
  }
}
