package io.katd.jepsen.sim;

import io.katd.jepsen.check.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Everything one simulated run depends on: with the same scenario, the run is the same. It
 * is saved as JSON when a run fails, and the regression tests replay the saved files.
 *
 * @param seed the root of every random choice in the run
 * @param nodes cluster size, 3 or 5
 * @param clients concurrent clients
 * @param ops client operations to issue
 * @param electionTicks election timeout in ticks (a tick is 10 ms of a node's clock)
 * @param heartbeatTicks heartbeat interval in ticks
 * @param preVote Raft PreVote
 * @param checkQuorum Raft CheckQuorum
 * @param snapshotEvery applied entries between log compactions on each node
 * @param faults the fault kinds enabled
 * @param opKinds the operation kinds enabled
 * @param canary a planted bug, {@link SimCanary#NONE} in every real run
 * @param script explicit fault and membership steps ({@link ScriptStep}) that replace the
 *     random nemesis; empty for a swarm scenario. A scripted scenario enables no fault kinds
 *     and may have no client operations (the script writes itself).
 */
public record Scenario(long seed, int nodes, int clients, int ops, int electionTicks,
    int heartbeatTicks, boolean preVote, boolean checkQuorum, int snapshotEvery,
    Set<FaultKind> faults, Set<OpKind> opKinds, SimCanary canary, List<String> script) {

  public Scenario {
    if (nodes != 3 && nodes != 5) {
      throw new IllegalArgumentException("nodes must be 3 or 5, got " + nodes);
    }
    script = List.copyOf(script);
    script.forEach(ScriptStep::parse);
    if (clients < 1 || ops < (script.isEmpty() ? 1 : 0)) {
      throw new IllegalArgumentException("clients must be >= 1 and ops >= 1 (>= 0 with a "
          + "script): " + clients + ", " + ops);
    }
    if (!script.isEmpty() && !faults.isEmpty()) {
      throw new IllegalArgumentException("a scripted scenario's faults are its script; it "
          + "enables no fault kinds, got " + faults);
    }
    if (heartbeatTicks < 1 || electionTicks <= heartbeatTicks) {
      throw new IllegalArgumentException("need 1 <= heartbeatTicks < electionTicks, got "
          + heartbeatTicks + " and " + electionTicks);
    }
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("snapshotEvery must be >= 1, got " + snapshotEvery);
    }
    faults = faults.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(faults));
    opKinds = opKinds.isEmpty() ? Set.of(OpKind.PUT, OpKind.GET)
        : Set.copyOf(EnumSet.copyOf(opKinds));
    Objects.requireNonNull(canary, "canary");
  }

  /** A swarm scenario: no script. */
  public Scenario(long seed, int nodes, int clients, int ops, int electionTicks,
      int heartbeatTicks, boolean preVote, boolean checkQuorum, int snapshotEvery,
      Set<FaultKind> faults, Set<OpKind> opKinds, SimCanary canary) {
    this(seed, nodes, clients, ops, electionTicks, heartbeatTicks, preVote, checkQuorum,
        snapshotEvery, faults, opKinds, canary, List.of());
  }

  /**
   * A swarm scenario derived from a seed alone: a random subset of the fault kinds and of the
   * operation kinds, and random timing knobs.
   */
  public static Scenario fromSeed(long seed, int nodes, int ops) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    EnumSet<FaultKind> faults = EnumSet.noneOf(FaultKind.class);
    for (FaultKind f : FaultKind.values()) {
      if (r.nextInt(100) < 45) {
        faults.add(f);
      }
    }
    EnumSet<OpKind> kinds = EnumSet.of(OpKind.PUT, OpKind.GET);
    for (OpKind k : OpKind.values()) {
      if (r.nextInt(100) < 60) {
        kinds.add(k);
      }
    }
    int election = 8 + r.nextInt(8);
    return new Scenario(seed, nodes, 2 + r.nextInt(3), ops, election, 1 + r.nextInt(2),
        r.nextBoolean(), r.nextBoolean(), faults.contains(FaultKind.COMPACTION)
            ? 3 + r.nextInt(10) : 20 + r.nextInt(60), faults, kinds, SimCanary.NONE);
  }

  public Scenario withCanary(SimCanary c) {
    return new Scenario(seed, nodes, clients, ops, electionTicks, heartbeatTicks, preVote,
        checkQuorum, snapshotEvery, faults, opKinds, c, script);
  }

  public Scenario withSeed(long s) {
    return new Scenario(s, nodes, clients, ops, electionTicks, heartbeatTicks, preVote,
        checkQuorum, snapshotEvery, faults, opKinds, canary, script);
  }

  boolean has(FaultKind f) {
    return faults.contains(f);
  }

  boolean has(OpKind k) {
    return opKinds.contains(k);
  }

  /** The scenario as one JSON object, fields in a fixed order. */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seed", seed);
    m.put("nodes", (long) nodes);
    m.put("clients", (long) clients);
    m.put("ops", (long) ops);
    m.put("electionTicks", (long) electionTicks);
    m.put("heartbeatTicks", (long) heartbeatTicks);
    m.put("preVote", preVote);
    m.put("checkQuorum", checkQuorum);
    m.put("snapshotEvery", (long) snapshotEvery);
    m.put("faults", Arrays.stream(FaultKind.values()).filter(faults::contains)
        .map(Enum::name).toList());
    m.put("opKinds", Arrays.stream(OpKind.values()).filter(opKinds::contains)
        .map(Enum::name).toList());
    m.put("canary", canary.name());
    if (!script.isEmpty()) {
      m.put("script", List.copyOf(script));
    }
    StringBuilder out = new StringBuilder();
    Json.write(m, out);
    return out.toString();
  }

  /** Reads {@link #toJson()}'s output; fields absent take the defaults of a plain run. */
  public static Scenario fromJson(String text) {
    if (!(Json.parse(text) instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("a scenario is a JSON object");
    }
    return new Scenario(num(m, "seed", 1), (int) num(m, "nodes", 3), (int) num(m, "clients", 3),
        (int) num(m, "ops", 60), (int) num(m, "electionTicks", 10),
        (int) num(m, "heartbeatTicks", 1), bool(m, "preVote"), bool(m, "checkQuorum"),
        (int) num(m, "snapshotEvery", 50), enums(m.get("faults"), FaultKind.class),
        enums(m.get("opKinds"), OpKind.class),
        SimCanary.valueOf(String.valueOf(m.containsKey("canary") ? m.get("canary") : "NONE")),
        strings(m.get("script")));
  }

  private static List<String> strings(Object v) {
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> list) {
      for (Object o : list) {
        if (!(o instanceof String s)) {
          throw new IllegalArgumentException("scenario field script must hold strings, got "
              + o);
        }
        out.add(s);
      }
    } else if (v != null) {
      throw new IllegalArgumentException("scenario field script must be a list of strings");
    }
    return out;
  }

  private static long num(Map<?, ?> m, String key, long dflt) {
    Object v = m.get(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Long l)) {
      throw new IllegalArgumentException("scenario field " + key + " must be an integer");
    }
    return l;
  }

  private static boolean bool(Map<?, ?> m, String key) {
    return Boolean.TRUE.equals(m.get(key));
  }

  private static <E extends Enum<E>> Set<E> enums(Object v, Class<E> type) {
    List<E> out = new ArrayList<>();
    if (v instanceof List<?> list) {
      for (Object o : list) {
        out.add(Enum.valueOf(type, String.valueOf(o)));
      }
    }
    return out.isEmpty() ? Set.of() : EnumSet.copyOf(out);
  }
}
