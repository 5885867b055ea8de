package io.katd.jepsen.sim;

import org.junit.jupiter.api.Test;

class SeedsRun {
  @Test
  void run() {
    for (String s : System.getProperty("seeds", "64").split(",")) {
      long seed = Long.parseLong(s);
      RunResult r = new Simulation(Scenario.fromSeed(seed, seed > 1000 ? 5 : 3, 60)).run();
      System.out.println(r);
    }
  }
}
