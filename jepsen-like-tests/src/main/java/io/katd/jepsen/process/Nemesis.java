package io.katd.jepsen.process;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Carries out a {@link FaultPlan} against the processes and the proxies: opens each window at
 * its time, resolves "the leader" from the latest samples, and closes the window (restart,
 * SIGCONT, links pass) at its end. Counts what it did.
 */
final class Nemesis implements Runnable {
  private final List<FaultPlan.Window> plan;
  private final KatdCluster cluster;
  private final LinkTable links;
  private final EtcdEndpoints endpoints;
  private final LeaderSampler sampler;
  private final RunLog log;
  private final LongSupplier nowMillis;
  // Longer than katd's handshake timeout, so a member that waits for more bytes still
  // closes within it.
  private static final java.time.Duration BAD_PEER_WAIT = java.time.Duration.ofSeconds(10);
  private final Map<String, Long> counters = new TreeMap<>();
  private volatile boolean stopped;
  private volatile Throwable failure;
  // The window being opened; only the nemesis thread touches it.
  private FaultPlan.Window current;

  private MembershipChanges membership;

  Nemesis(List<FaultPlan.Window> plan, KatdCluster cluster, LinkTable links,
      EtcdEndpoints endpoints, LeaderSampler sampler, RunLog log) {
    this.plan = List.copyOf(plan);
    this.cluster = cluster;
    this.links = links;
    this.endpoints = endpoints;
    this.sampler = sampler;
    this.log = log;
    this.nowMillis = () -> log.nowMicros() / 1000;
    for (String c : List.of("kills", "restarts", "pauses", "slows", "slowStops", "partitions",
        "flapping", "delays", "resets", "halfOpen", "badPeerConnections", "memberAdds",
        "memberRemoves", "leaderRemovals", "membershipSkips", "changesDuringPartition")) {
      counters.put(c, 0L);
    }
  }

  /** What makes the membership windows' changes; without it they fail. */
  Nemesis withMembership(MembershipChanges changes) {
    this.membership = changes;
    return this;
  }

  synchronized Map<String, Long> counters() {
    return new TreeMap<>(counters);
  }

  synchronized void count(String counter) {
    count(counter, 1);
  }

  private synchronized void count(String counter, long n) {
    counters.merge(counter, n, Long::sum);
  }

  void stop() {
    stopped = true;
  }

  Throwable failure() {
    return failure;
  }

  @Override
  public void run() {
    try {
      for (FaultPlan.Window w : plan) {
        if (!waitUntil(w.startMillis())) {
          return;
        }
        Runnable close = open(w);
        long opened = log.nowMicros();
        waitUntil(w.endMillis());
        close.run();
        log.band(w.fault().wireName() + (w.shape() == null ? "" : " " + w.shape()),
            rowsOf(w), opened, log.nowMicros());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure = e;
      log.note("the nemesis failed: " + e);
    }
  }

  private final Map<FaultPlan.Window, List<Integer>> rows = new java.util.HashMap<>();

  private synchronized List<Integer> rowsOf(FaultPlan.Window w) {
    return rows.getOrDefault(w, List.of(0));
  }

  private synchronized void rows(FaultPlan.Window w, List<Integer> r) {
    rows.put(w, r);
  }

  /** Sleeps until the run's clock reads {@code millis}; false if stopped first. */
  private boolean waitUntil(long millis) throws InterruptedException {
    while (!stopped) {
      long left = millis - nowMillis.getAsLong();
      if (left <= 0) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(Math.min(left, 100));
    }
    return false;
  }

  /** The window's member among the current ones: by role, or by position. */
  private Member resolve(FaultPlan.Window w, Random r) {
    List<Member> current = cluster.current();
    if (w.target() == FaultPlan.LEADER) {
      Member leader = cluster.currentMember(sampler.leader());
      return leader != null ? leader : current.get(r.nextInt(current.size()));
    }
    return current.get(w.target() % current.size());
  }

  /** Opens the window; returns what closes it. */
  private Runnable open(FaultPlan.Window w) throws InterruptedException {
    Random r = new Random(w.seed());
    current = w;
    Member m = resolve(w, r);
    log.note("opening " + w + ": " + m.name());
    switch (w.fault()) {
      case KILL -> {
        cluster.kill(m.name());
        count("kills");
        rows(w, List.of(m.row()));
        return () -> {
          cluster.start(m.name());
          endpoints.reconnect(m.index());
          count("restarts");
          log.note("restarted " + m.name());
        };
      }
      case PAUSE -> {
        cluster.pause(m.name());
        count("pauses");
        rows(w, List.of(m.row()));
        return () -> {
          cluster.resume(m.name());
          log.note("resumed " + m.name());
        };
      }
      case SLOW -> {
        SlowProcess slow = SlowProcess.start(cluster, m.name(), r);
        count("slows");
        rows(w, List.of(m.row()));
        return () -> {
          try {
            slow.close();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          count("slowStops", slow.cycles());
          log.note(m.name() + " runs at full speed again after " + slow.cycles()
              + " stops");
        };
      }
      case PARTITION -> {
        partition(w, m, r);
        count("partitions");
      }
      case FLAPPING -> {
        linksOf(m, LinkFault.flapping(w.seed(), 800));
        count("flapping");
      }
      case DELAY -> {
        linksOf(m, LinkFault.delay(50 + r.nextInt(100), 50));
        count("delays");
      }
      case RESET -> {
        linksOf(m, LinkFault.RESET);
        count("resets");
      }
      case HALF_OPEN -> {
        // Both ways, or only the answers (the stream flows, its probes are never answered).
        linksOf(m, LinkFault.halfOpen(r.nextBoolean() ? LinkFault.Ways.BOTH
            : LinkFault.Ways.BACKWARD));
        count("halfOpen");
      }
      case MEMBERSHIP -> {
        if (membership == null) {
          throw new IllegalStateException("a membership window, but no membership changes");
        }
        List<Integer> touched = new ArrayList<>(List.of(0));
        List<Member> changed = membership.change(r, isolated -> {
          cut(List.of(isolated), others(cluster.current(), List.of(isolated)), true);
          touched.add(isolated.row());
        });
        changed.forEach(c -> touched.add(c.row()));
        rows(w, touched);
      }
      case GARBAGE -> {
        badPeer(m, r);
        rows(w, List.of(m.row()));
        return () -> { };
      }
      default -> throw new AssertionError(w.fault());
    }
    return () -> {
      links.healAll();
      log.note("links healed after " + w.fault().wireName());
    };
  }

  /**
   * Sends each kind of bad input to the member's own peer port; the member must close
   * every such connection and say so in its log, naming the connection.
   */
  private void badPeer(Member m, Random r) {
    for (BadPeer.Input input : BadPeer.Input.values()) {
      BadPeer.Outcome o;
      try {
        o = BadPeer.send(m.peerPort(), input, r, BAD_PEER_WAIT);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot reach " + m.name() + "'s peer port "
            + m.peerPort() + " to send it " + input + ": " + e, e);
      }
      count("badPeerConnections");
      if (!o.closed()) {
        throw new IllegalStateException(m.name() + " kept a connection that sent it "
            + input + " open for " + BAD_PEER_WAIT);
      }
      if (!Await.within(BAD_PEER_WAIT, () -> BadPeer.logged(cluster.log(m.name()),
          o.localPort()))) {
        throw new IllegalStateException(m.name() + " closed the connection from port "
            + o.localPort() + " that sent it " + input + ", but its log never said why");
      }
      log.note(m.name() + " closed the connection that sent it " + input);
    }
  }

  private void linksOf(Member m, LinkFault fault) {
    List<Integer> affected = new ArrayList<>(List.of(0, m.row()));
    for (Member other : cluster.current()) {
      if (other != m) {
        links.set(m.name(), other.name(), fault);
        links.set(other.name(), m.name(), fault);
      }
    }
    rows(current, affected);
  }

  private void partition(FaultPlan.Window w, Member target, Random r) {
    List<Member> all = cluster.current();
    Member leader = cluster.currentMember(sampler.leader());
    switch (w.shape()) {
      case ISOLATE_LEADER -> {
        Member isolated = leader != null ? leader : target;
        cut(List.of(isolated), others(all, List.of(isolated)), true);
      }
      case MAJORITY_MINORITY -> {
        List<Member> shuffled = new ArrayList<>(others(all, List.of(target)));
        Collections.shuffle(shuffled, r);
        List<Member> minority = new ArrayList<>(List.of(target));
        minority.addAll(shuffled.subList(0, (all.size() - 1) / 2 - 1));
        cut(minority, others(all, minority), true);
      }
      case ONE_WAY -> {
        // The target's messages to the others are lost; theirs still reach it.
        cut(List.of(target), others(all, List.of(target)), false);
      }
      case BRIDGE -> {
        List<Member> rest = new ArrayList<>(others(all, List.of(target)));
        Collections.shuffle(rest, r);
        int half = rest.size() / 2;
        cut(rest.subList(0, half), rest.subList(half, rest.size()), true);
      }
      default -> throw new AssertionError(w.shape());
    }
  }

  private static List<Member> others(List<Member> all, List<Member> but) {
    return all.stream().filter(m -> !but.contains(m)).toList();
  }

  /** Blackholes the links from side a to side b, and back when {@code both}. */
  private void cut(List<Member> a, List<Member> b, boolean both) {
    List<Integer> affected = new ArrayList<>(List.of(0));
    for (Member x : a) {
      affected.add(x.row());
      for (Member y : b) {
        links.set(x.name(), y.name(), LinkFault.BLACKHOLE);
        if (both) {
          links.set(y.name(), x.name(), LinkFault.BLACKHOLE);
        }
      }
    }
    log.note("cut " + names(a) + (both ? " <-> " : " -> ") + names(b));
    rows(current, affected);
  }

  private static List<String> names(List<Member> ms) {
    return ms.stream().map(Member::name).toList();
  }
}
