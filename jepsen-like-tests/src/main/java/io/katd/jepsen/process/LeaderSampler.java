package io.katd.jepsen.process;

import io.grpc.StatusRuntimeException;
import io.katd.jepsen.check.FencingChecker;
import io.katd.proto.etcd.etcdserverpb.StatusResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Asks every member's Maintenance.Status every few hundred milliseconds: which member id it
 * is, whom it follows and in which term. A member that names itself leader claims that
 * term; two claims of one term by different members break election safety. The samples
 * also tell the nemesis who leads now.
 */
final class LeaderSampler implements Runnable {
  private static final Duration TIMEOUT = Duration.ofMillis(300);
  private static final long PERIOD_MILLIS = 150;

  private final EtcdEndpoints endpoints;
  private final List<Member> members;
  private final RunLog log;
  private final Map<Long, String> names = new ConcurrentHashMap<>();
  private final Map<Long, Long> leaderOfTerm = new TreeMap<>();
  private final List<FencingChecker.Claim> claims = new ArrayList<>();
  private volatile boolean stopped;
  private volatile long highestTerm;
  private volatile int currentLeader = -1;

  LeaderSampler(EtcdEndpoints endpoints, List<Member> members, RunLog log) {
    this.endpoints = endpoints;
    this.members = members;
    this.log = log;
  }

  /** Member name by raft id, as learnt from the members' own answers. */
  String nameOf(long id) {
    return names.get(id);
  }

  boolean knowsEveryMember() {
    return names.size() == members.size();
  }

  void stop() {
    stopped = true;
  }

  /** The index of the member that most recently claimed the highest term, or -1. */
  int leader() {
    return currentLeader;
  }

  synchronized List<FencingChecker.Claim> claims() {
    return List.copyOf(claims);
  }

  /** Terms in which some member claimed leadership. */
  synchronized int leaderTerms() {
    return leaderOfTerm.size();
  }

  @Override
  public void run() {
    while (!stopped) {
      sampleOnce();
      try {
        TimeUnit.MILLISECONDS.sleep(PERIOD_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  void sampleOnce() {
    for (Member m : members) {
      StatusResponse s;
      try {
        s = endpoints.status(m.index(), TIMEOUT);
      } catch (StatusRuntimeException e) {
        continue;
      }
      long self = s.getHeader().getMemberId();
      names.putIfAbsent(self, m.name());
      if (s.getLeader() == self && self != 0) {
        claim(m, self, s.getRaftTerm());
      }
    }
  }

  private synchronized void claim(Member m, long id, long term) {
    FencingChecker.Claim c = new FencingChecker.Claim(m.index(), term);
    if (!claims.contains(c)) {
      claims.add(c);
    }
    Long before = leaderOfTerm.putIfAbsent(term, id);
    if (before == null) {
      log.leader(m.row(), term);
      log.note(m.name() + " leads term " + term);
    }
    if (term >= highestTerm) {
      highestTerm = term;
      currentLeader = m.index();
    }
  }
}
