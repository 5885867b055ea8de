package io.katd.jepsen.process;

import io.grpc.StatusRuntimeException;
import io.katd.proto.etcd.etcdserverpb.MemberListResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The membership changes of a run, one per membership window, between {@code nodes} and
 * {@code nodes + 1} voters: with {@code nodes} voters a new member joins ({@code katd
 * join}: MemberAdd as a learner, caught up by the leader, by snapshot when the log was
 * compacted, then promoted to voter by itself); with one more, a voter is removed through
 * MemberRemove (the leader the first time) and its process, which stops on its own once it
 * sees its removal, is retired. While a learner still waits for its promotion, the window
 * changes nothing. Half of the changes are made while one member that takes no part in the
 * change is cut off from the others, so a change also happens during a partition.
 */
final class MembershipChanges {
  private static final Duration CALL = Duration.ofSeconds(2);
  private static final Duration JOINED = Duration.ofSeconds(30);
  private static final Duration RETIRE_GRACE = Duration.ofSeconds(20);

  private final KatdCluster cluster;
  private final EtcdEndpoints endpoints;
  private final LeaderSampler sampler;
  private final RunLog log;
  private final Supplier<Member> nextMember;
  private final int nodes;
  private final Consumer<String> count;
  private final Runnable onKnown;
  private boolean leaderRemoved;

  /**
   * @param nextMember makes the next member's slot: its ports, its proxy and its client
   *     channel
   * @param count counts what was done, by counter name
   * @param onKnown runs once the sampler knows a new member's id: its connections opened
   *     before could not be attributed to a link, and are to be reset
   */
  MembershipChanges(KatdCluster cluster, EtcdEndpoints endpoints, LeaderSampler sampler,
      RunLog log, Supplier<Member> nextMember, int nodes, Consumer<String> count,
      Runnable onKnown) {
    this.cluster = cluster;
    this.endpoints = endpoints;
    this.sampler = sampler;
    this.log = log;
    this.nextMember = nextMember;
    this.nodes = nodes;
    this.count = count;
    this.onKnown = onKnown;
  }

  /**
   * Makes one change. {@code cut} cuts a member off from the others (both ways); it is
   * called, at most once, before the change when the draw says so.
   *
   * @return the members the change touched, for the timeline
   */
  List<Member> change(Random r, Consumer<Member> cut) throws InterruptedException {
    MemberListResponse list = memberList();
    Optional<String> learner = list.getMembersList().stream()
        .filter(io.katd.proto.etcd.etcdserverpb.Member::getIsLearner)
        .map(m -> m.getName().isEmpty() ? Long.toHexString(m.getID()) : m.getName())
        .findFirst();
    if (learner.isPresent()) {
      log.note("membership: " + learner.get() + " is still a learner; no change this time");
      count.accept("membershipSkips");
      return List.of();
    }
    boolean add = list.getMembersCount() <= nodes;
    Member leader = leader();
    Member target = add ? null : removalTarget(r, leader);
    if (r.nextBoolean()) {
      List<Member> bystanders = cluster.current().stream().filter(m -> m != leader
          && m != target && cluster.isRunning(m.name())).toList();
      if (!bystanders.isEmpty()) {
        Member isolated = bystanders.get(r.nextInt(bystanders.size()));
        cut.accept(isolated);
        count.accept("changesDuringPartition");
      }
    }
    return add ? List.of(add()) : List.of(remove(target, leader, list));
  }

  private Member add() {
    List<Member> through = cluster.current().stream()
        .filter(m -> cluster.isRunning(m.name())).toList();
    Member m = nextMember.get();
    log.note("membership: " + m.name() + " joins through " + through.stream()
        .map(Member::name).toList());
    cluster.join(m, through);
    // Until its identity is written a kill would leave nothing to restart from.
    Await.until(m.name() + " wrote its member identity after MemberAdd", JOINED,
        () -> Files.exists(cluster.dataDir(m.name()).resolve("member.properties")));
    count.accept("memberAdds");
    if (Await.within(JOINED, sampler::knowsEveryMember)) {
      onKnown.run();
    } else {
      log.note("membership: " + m.name() + "'s id is still unknown; its links cannot be"
          + " faulted until it reconnects");
    }
    return m;
  }

  private Member leader() {
    return cluster.currentMember(sampler.leader());
  }

  private Member removalTarget(Random r, Member leader) {
    if (!leaderRemoved && leader != null) {
      return leader;
    }
    List<Member> current = cluster.current();
    return current.get(r.nextInt(current.size()));
  }

  private Member remove(Member target, Member leader, MemberListResponse list)
      throws InterruptedException {
    long id = list.getMembersList().stream()
        .filter(m -> m.getPeerURLsList().contains(target.advertisedPeerUrl()))
        .mapToLong(io.katd.proto.etcd.etcdserverpb.Member::getID).findFirst()
        .orElseThrow(() -> new IllegalStateException("the member list names no member with"
            + " peer URL " + target.advertisedPeerUrl() + " (" + target.name() + "): " + list));
    boolean wasLeader = target == leader;
    log.note("membership: removing " + target.name() + " (" + Long.toHexString(id) + ")"
        + (wasLeader ? ", the leader" : ""));
    // A retry after an answer that was lost must not fail on the member already gone.
    callSomeMember(target, m -> listed(endpoints.memberList(m.index(), CALL), id)
        ? endpoints.memberRemove(m.index(), id, CALL) : null, "remove " + target.name());
    cluster.retire(target.name(), RETIRE_GRACE);
    count.accept("memberRemoves");
    if (wasLeader) {
      leaderRemoved = true;
      count.accept("leaderRemovals");
    }
    return target;
  }

  private static boolean listed(MemberListResponse list, long id) {
    return list.getMembersList().stream().anyMatch(m -> m.getID() == id);
  }

  private MemberListResponse memberList() {
    return callSomeMember(null, m -> endpoints.memberList(m.index(), CALL), "list members");
  }

  /**
   * Makes {@code call} through the running members other than {@code not}, in turn, until
   * one answers; throws naming {@code what} after {@link #JOINED}.
   */
  private <T> T callSomeMember(Member not, java.util.function.Function<Member, T> call,
      String what) {
    long deadline = System.nanoTime() + JOINED.toNanos();
    List<String> failures = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      for (Member m : cluster.current()) {
        if (m == not || !cluster.isRunning(m.name()) || cluster.isPaused(m.name())) {
          continue;
        }
        try {
          return call.apply(m);
        } catch (StatusRuntimeException e) {
          failures.add(m.name() + ": " + e.getStatus());
        }
      }
      pause();
    }
    throw new IllegalStateException("no member would " + what + " within " + JOINED + ": "
        + failures.subList(Math.max(0, failures.size() - 5), failures.size()));
  }

  private static void pause() {
    try {
      java.util.concurrent.TimeUnit.MILLISECONDS.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
