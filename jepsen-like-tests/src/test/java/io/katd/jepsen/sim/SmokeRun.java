package io.katd.jepsen.sim;

import org.junit.jupiter.api.Test;

class SmokeRun {
  @Test
  void run() {
    long from = Long.getLong("from", 1);
    long to = Long.getLong("to", 40);
    Coverage total = new Coverage();
    long t = System.nanoTime();
    for (long seed = from; seed <= to; seed++) {
      Scenario s = Scenario.fromSeed(seed, seed % 2 == 0 ? 5 : 3, 80);
      RunResult r = new Simulation(s).run();
      total.addAll(r.coverage());
      if (!r.valid()) {
        System.out.println(s.toJson());
        System.out.println(r);
      }
    }
    System.out.println("took " + (System.nanoTime() - t) / 1_000_000 + " ms; " + total.asMap()
        + " unreached " + total.unreached());
  }
}
