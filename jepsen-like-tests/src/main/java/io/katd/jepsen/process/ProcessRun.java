package io.katd.jepsen.process;

import io.katd.jepsen.check.Budget;
import io.katd.jepsen.check.CheckResult;
import io.katd.jepsen.check.ConvergenceChecker;
import io.katd.jepsen.check.EventType;
import io.katd.jepsen.check.FencingChecker;
import io.katd.jepsen.check.Finding;
import io.katd.jepsen.check.History;
import io.katd.jepsen.check.KvModel;
import io.katd.jepsen.check.LinearizabilityChecker;
import io.katd.jepsen.check.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One fault-injection run against real katd processes on 127.0.0.1, in the shape of
 * VERIFY.md section 5: the cluster starts behind the link proxies; a warm-up of workload
 * alone; fault windows drawn from the seed; heal; more workload; then a final write that
 * must succeed, final reads on every member, and the state hash of every member at one
 * revision. The checkers then judge the history, and the report is written.
 */
public final class ProcessRun {
  static final Duration OP_TIMEOUT = Duration.ofSeconds(1);
  static final Duration SETTLE = Duration.ofSeconds(30);
  static final Duration FIRST_LEADER = Duration.ofSeconds(60);
  static final Duration CHECK_BUDGET = Duration.ofSeconds(60);
  static final int FINAL_WRITER = 999;
  static final int FINAL_READER = 1000;
  static final String FINAL_KEY = RegisterClient.PREFIX + "final";

  private final RunOptions options;
  private final PrintStream out;
  private final Path dir;
  private final RunLog log = new RunLog(System::nanoTime);
  private final LinkTable links = new LinkTable();
  private final List<LinkProxy> proxies = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Ports ports = new Ports();
  // Members ever started, joined ones included; set once the run ends.
  private int memberCount;
  private final List<Finding> findings = new ArrayList<>();
  private final Map<String, Long> coverage = new LinkedHashMap<>();

  private ProcessRun(RunOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
    this.dir = options.outRoot().resolve(options.name());
  }

  /** Runs, checks, writes the report under {@code outRoot/<name>} and returns the outcome. */
  public static RunOutcome run(RunOptions options, PrintStream out) throws IOException,
      InterruptedException {
    return new ProcessRun(options, out).run();
  }

  private RunOutcome run() throws IOException, InterruptedException {
    deleteRecursively(dir);
    Files.createDirectories(dir);
    List<Member> founding = new ArrayList<>();
    for (int i = 0; i < options.nodes(); i++) {
      founding.add(newMember(i));
    }
    Phases phases;
    KatdCluster cluster = new KatdCluster(options.jar(), dir.resolve("members"),
        "jepsen-" + options.seed(), founding, options.effectiveSnapshotThreshold());
    Thread hook = new Thread(cluster::close, "katd-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try (EtcdEndpoints endpoints = new EtcdEndpoints(founding)) {
      LeaderSampler sampler = new LeaderSampler(endpoints, cluster.members(), log);
      for (Member m : founding) {
        addProxy(m, sampler);
      }
      try {
        phases = exercise(cluster, endpoints, sampler);
      } finally {
        sampler.stop();
        proxies.forEach(LinkProxy::close);
        cluster.close();
        memberCount = cluster.members().size();
      }
    } finally {
      Runtime.getRuntime().removeShutdownHook(hook);
    }
    return report(phases);
  }

  private Member newMember(int index) {
    return new Member(index, "n" + (index + 1), ports.free(), ports.free(), ports.free(),
        ports.free());
  }

  private void addProxy(Member m, LeaderSampler sampler) {
    try {
      proxies.add(new LinkProxy(m.name(), m.proxyPort(), new java.net.InetSocketAddress(
          "127.0.0.1", m.peerPort()), links, SenderOf.hello(sampler::nameOf),
          options.seed() + m.index()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The slot of the next member to join: its ports, its proxy and its client channel. */
  private Member nextMember(KatdCluster cluster, EtcdEndpoints endpoints,
      LeaderSampler sampler) {
    Member m = newMember(cluster.members().size());
    addProxy(m, sampler);
    endpoints.add(m);
    return m;
  }

  /** The run's phase boundaries, in microseconds of the run's clock. */
  record Phases(long workloadStart, long faultsStart, long faultsEnd, long healed, long end) {}

  private Phases exercise(KatdCluster cluster, EtcdEndpoints endpoints, LeaderSampler sampler)
      throws InterruptedException {
    cluster.startAll();
    Thread samplerThread = daemon(sampler, "leader-sampler");
    boolean up = Await.within(FIRST_LEADER, () -> sampler.knowsEveryMember()
        && sampler.leader() >= 0);
    if (!up) {
      throw new IllegalStateException("the cluster did not elect a leader within "
          + FIRST_LEADER + "\n" + cluster.logTails(30));
    }
    // Connections opened before every member id was known were not attributed to a link.
    proxies.forEach(p -> p.resetConnectionsFrom("?"));
    log.note("cluster up: " + cluster.members().stream().map(Member::name).toList());

    long t0 = log.nowMicros() / 1000;
    List<FaultPlan.Window> plan = FaultPlan.draw(options.seed(), options.faults(),
        options.nodes(), t0 + options.warmUpMillis(), t0 + options.faultsEndMillis());
    plan.forEach(w -> log.note("planned: " + w));
    ResumingWatch watch = new ResumingWatch(endpoints, log);
    Thread watchThread = daemon(watch, "watch-client");
    List<RegisterClient> clients = new ArrayList<>();
    List<Thread> clientThreads = new ArrayList<>();
    for (int c = 0; c < options.clients(); c++) {
      RegisterClient client = new RegisterClient(c, endpoints, cluster.members(), log,
          options.seed() * 31 + c, options.keys(), OP_TIMEOUT, 10);
      clients.add(client);
      clientThreads.add(daemon(client, "client-" + c));
    }
    Nemesis nemesis = new Nemesis(plan, cluster, links, endpoints, sampler, log);
    nemesis.withMembership(new MembershipChanges(cluster, endpoints, sampler, log,
        () -> nextMember(cluster, endpoints, sampler), options.nodes(), nemesis::count,
        () -> proxies.forEach(p -> p.resetConnectionsFrom("?"))));
    Thread nemesisThread = daemon(nemesis, "nemesis");

    sleepUntil(t0 + options.faultsEndMillis());
    nemesis.stop();
    nemesisThread.join(TimeUnit.SECONDS.toMillis(30));
    heal(cluster, endpoints);
    long healed = log.nowMicros();
    out.println("healed at " + healed / 1000 + " ms; nemesis: " + nemesis.counters());
    sleepUntil(t0 + options.duration().toMillis());
    clients.forEach(RegisterClient::stop);
    for (Thread t : clientThreads) {
      t.join(TimeUnit.SECONDS.toMillis(10));
    }
    finish(cluster, endpoints, sampler, watch);
    long end = log.nowMicros();
    watch.stop();
    watchThread.join(TimeUnit.SECONDS.toMillis(5));
    sampler.stop();
    samplerThread.join(TimeUnit.SECONDS.toMillis(5));

    findings.add(electionSafety(sampler));
    if (nemesis.failure() != null) {
      findings.add(Finding.violation("nemesis", nemesis.failure().toString()));
    }
    Map<String, Integer> crashed = cluster.crashed();
    findings.add(crashed.isEmpty() ? Finding.ok("members-alive") : Finding.violation(
        "members-alive", "members exited on their own (name=exit code): " + crashed));
    coverage.putAll(nemesis.counters());
    coverage.put("leaderTerms", (long) sampler.leaderTerms());
    coverage.put("leaderChanges", (long) Math.max(0, sampler.leaderTerms() - 1));
    coverage.put("watchResumes", (long) watch.resumes());
    coverage.put("proxyDroppedChunks", proxies.stream().mapToLong(LinkProxy::droppedChunks)
        .sum());
    coverage.put("proxyConnectionsClosed", proxies.stream().mapToLong(LinkProxy::resets)
        .sum());
    coverage.put("proxyStalls", proxies.stream().mapToLong(LinkProxy::stalls).sum());
    coverage.putAll(joinedMembers(cluster, endpoints));
    return new Phases(t0 * 1000, (t0 + options.warmUpMillis()) * 1000,
        (t0 + options.faultsEndMillis()) * 1000, healed, end);
  }

  /**
   * What became of the members that joined: how many are voters now (promoted), and how
   * many caught up by installing a snapshot, as their logs say.
   */
  private Map<String, Long> joinedMembers(KatdCluster cluster, EtcdEndpoints endpoints) {
    List<Member> joined = cluster.members().subList(options.nodes(), cluster.members().size());
    long snapshots = joined.stream().filter(m -> cluster.log(m.name()).contains(
        "installed the snapshot")).count();
    long voters = 0;
    for (Member m : cluster.current()) {
      try {
        voters = endpoints.memberList(m.index(), java.time.Duration.ofSeconds(2))
            .getMembersList().stream().filter(x -> !x.getIsLearner() && joined.stream()
                .anyMatch(j -> x.getPeerURLsList().contains(j.advertisedPeerUrl())))
            .count();
        break;
      } catch (io.grpc.StatusRuntimeException e) {
        log.note(m.name() + " gave no member list: " + e.getStatus());
      }
    }
    return Map.of("joinedSnapshotInstalls", snapshots, "joinedVotersAtEnd", voters);
  }

  private void heal(KatdCluster cluster, EtcdEndpoints endpoints) {
    links.healAll();
    for (Member m : cluster.current()) {
      if (cluster.isPaused(m.name())) {
        cluster.resume(m.name());
      }
      if (!cluster.isRunning(m.name())) {
        cluster.start(m.name());
      }
    }
    endpoints.reconnectAll();
    log.note("healed: every link passes, every member runs");
  }

  /** The final write, final reads, convergence, committed history and the checkers. */
  private void finish(KatdCluster cluster, EtcdEndpoints endpoints, LeaderSampler sampler,
      ResumingWatch watch) {
    FinalChecks checks = new FinalChecks(endpoints, cluster.current(), log, SETTLE);
    long finalRevision = checks.finalWrite(FINAL_WRITER, FINAL_KEY, "seed-" + options.seed());
    findings.add(finalRevision > 0 ? Finding.ok("final-write") : Finding.violation(
        "final-write", "no member acknowledged the final write within " + SETTLE));
    List<String> keys = new ArrayList<>();
    for (int k = 0; k < options.keys(); k++) {
      keys.add(RegisterClient.key(k));
    }
    keys.add(FINAL_KEY);
    findings.add(checks.finalReads(FINAL_READER, keys));
    Map<Long, ConvergenceChecker.NodeState> states = checks.settledStates();
    findings.add(ConvergenceChecker.check(states));
    if (finalRevision <= 0) {
      out.println(cluster.logTails(40));
      return;
    }
    Await.within(SETTLE, () -> watch.lastRevision() >= finalRevision);
    findings.addAll(MemberChecks.check(log.acked(), checks.memberViews(finalRevision),
        finalRevision, List.of(watch.stream(finalRevision))));
  }

  private Finding electionSafety(LeaderSampler sampler) {
    Finding f = FencingChecker.check(sampler.claims(), List.of());
    return new Finding("election-safety", f.valid(), f.detail());
  }

  private RunOutcome report(Phases p) throws IOException {
    History history = History.of("process run seed " + options.seed(), log.history());
    CheckResult lin = LinearizabilityChecker.check(history, new KvModel(),
        Budget.ofTime(CHECK_BUDGET, System::nanoTime));
    List<Finding> all = new ArrayList<>();
    all.add(lin.verdict() == Verdict.LINEARIZABLE ? Finding.ok("linearizability")
        : Finding.violation("linearizability", lin.describe()));
    all.addAll(findings);
    coverage.put("unknownOps", log.history().stream().filter(e -> e.type() == EventType.INFO)
        .count());
    boolean invalid = all.stream().anyMatch(f -> !f.valid() && !(f.checker().equals(
        "linearizability") && lin.verdict() == Verdict.UNKNOWN));
    String verdict = invalid ? "invalid" : lin.verdict() == Verdict.UNKNOWN ? "unknown"
        : "valid";
    ProcessReport.write(options, memberCount, verdict, all, coverage, log, lin, p, dir);
    RunOutcome outcome = new RunOutcome(verdict, all, Map.copyOf(coverage), dir);
    out.println("process run seed " + options.seed() + ": " + outcome);
    return outcome;
  }

  private void sleepUntil(long millis) throws InterruptedException {
    long left;
    while ((left = millis - log.nowMicros() / 1000) > 0) {
      TimeUnit.MILLISECONDS.sleep(Math.min(left, 500));
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(q);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
