package io.katd.jepsen.sim;

import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.jepsen.sim.Coverage.Counter;
import io.katd.proto.raft.ConfChange;
import io.katd.proto.raft.ConfChangeSingle;
import io.katd.proto.raft.ConfChangeType;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.EntryType;
import io.katd.raft.Status;
import io.katd.raft.confchange.ConfChanges;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Membership changes as an operator makes them through katd's cluster API, at the RawNode
 * level: the leader proposes a {@link ConfChangeV2} holding one change (as ClusterService
 * does), and every node applies it through {@code RawNode.applyConfChange} when it commits.
 * One change is in flight at a time, and the voters stay between 3 and 5.
 *
 * <p>A new member gets a fresh id and a blank disk, and its process starts once its addition
 * is applied (as {@code member add} returns before the new process is started). The log
 * always begins after the genesis snapshot, so a new member is always caught up by a
 * snapshot. A removed member's process stops for good once its removal is applied. Replacing
 * a member is a removal followed by the addition of a fresh id.
 */
final class Membership {
  static final int MIN_VOTERS = 3;
  static final int MAX_VOTERS = 5;
  /** etcd's readiness rule for a promotion, as katd's ClusterService applies it. */
  static final double PROMOTE_READY_FRACTION = 0.9;
  /** A proposal not applied by then is taken as lost (its leader was deposed, say). */
  static final long PENDING_LIMIT_MICROS = 1_000_000;
  /** How often a katd process checks whether its member was removed (MemberRunner). */
  static final long RETIRE_CHECK_MICROS = 200_000;
  // As katd's MemberRunner.REMOVAL_GRACE_ELECTIONS.
  static final int REMOVAL_GRACE_ELECTIONS = 2;

  /** A proposed change not yet seen applied. */
  private record Pending(long proposedAt, int votersAfter) {}

  private final Simulation sim;
  private final SplittableRandom random;
  private final TreeSet<Long> appliedAt = new TreeSet<>();
  private final TreeSet<Long> joined = new TreeSet<>();
  private long nextId;
  private int voters;
  private Pending pending;
  // The configuration as of the newest change applied anywhere.
  private ConfState config;

  Membership(Simulation sim, SplittableRandom random) {
    this.sim = sim;
    this.random = random;
    this.voters = sim.scenario.nodes();
    this.config = sim.voters();
    // Fresh ids follow the founders'; an id is never reused, as etcd never reuses one.
    this.nextId = sim.scenario.nodes() + 1;
  }

  static boolean isConfChange(Entry e) {
    return e.getType() == EntryType.EntryConfChange
        || e.getType() == EntryType.EntryConfChangeV2;
  }

  /** The change an applied entry holds, in the V2 form. */
  static ConfChangeV2 confChange(Entry e) {
    try {
      return e.getType() == EntryType.EntryConfChange
          ? ConfChanges.toV2(ConfChange.parseFrom(e.getData()))
          : ConfChangeV2.parseFrom(e.getData());
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException("entry " + e.getIndex() + " holds a malformed "
          + "membership change: " + ex.getMessage(), ex);
    }
  }

  /**
   * The voter count the nemesis may plan crashes against: the smaller of the configuration
   * in effect and the one a change in flight would make.
   */
  int votersForFaults() {
    return pending == null ? voters : Math.min(voters, pending.votersAfter());
  }

  /** The nemesis's turn: proposes one membership change on the leader, if one fits now. */
  void step() {
    if (pending != null && sim.loop.now() - pending.proposedAt() < PENDING_LIMIT_MICROS) {
      return;
    }
    pending = null;
    SimNode leader = sim.leader();
    if (leader == null) {
      return;
    }
    ConfState cs = leader.confState;
    if (cs.getVotersOutgoingCount() > 0) {
      return; // joint: never made here, but never changed further either
    }
    List<Long> current = cs.getVotersList();
    if (cs.getLearnersCount() > 0) {
      long learner = cs.getLearners(0);
      if (current.size() < MAX_VOTERS && caughtUp(leader, learner)
          && quorumSurvives(with(current, learner), 0)) {
        propose(leader, ConfChangeType.ConfChangeAddNode, learner, current.size() + 1,
            "promote learner " + learner);
      }
      return;
    }
    List<String> options = new ArrayList<>();
    if (current.size() < MAX_VOTERS) {
      options.add("add");
    }
    if (current.size() > MIN_VOTERS) {
      options.add("remove");
      options.add("remove-leader");
    }
    switch (options.get(random.nextInt(options.size()))) {
      case "add" -> {
        long id = nextId++;
        propose(leader, ConfChangeType.ConfChangeAddLearnerNode, id, current.size(),
            "add learner " + id);
      }
      case "remove" -> {
        List<Long> followers = new ArrayList<>(current);
        followers.remove(leader.id);
        long id = followers.get(random.nextInt(followers.size()));
        if (removalKeepsQuorum(current, id)) {
          propose(leader, ConfChangeType.ConfChangeRemoveNode, id, current.size() - 1,
              "remove voter " + id);
        }
      }
      default -> {
        if (removalKeepsQuorum(current, leader.id)) {
          propose(leader, ConfChangeType.ConfChangeRemoveNode, leader.id, current.size() - 1,
              "remove the leader " + leader.id);
        }
      }
    }
  }

  /** A script's change: proposed on the current leader; false if there is none. */
  boolean proposeScripted(ConfChangeType type, long id) {
    SimNode leader = sim.leader();
    if (leader == null) {
      return false;
    }
    if (type != ConfChangeType.ConfChangeRemoveNode) {
      nextId = Math.max(nextId, id + 1);
    }
    int after = config.getVotersCount() + (type == ConfChangeType.ConfChangeAddNode ? 1
        : type == ConfChangeType.ConfChangeRemoveNode ? -1 : 0);
    propose(leader, type, id, after, type + " " + id + " (scripted)");
    return true;
  }

  /** Whether the leader sees learner {@code id} caught up enough to be promoted. */
  boolean caughtUp(long id) {
    SimNode leader = sim.leader();
    return leader != null && caughtUp(leader, id);
  }

  boolean isVoter(long id) {
    return config.getVotersList().contains(id);
  }

  boolean isLearner(long id) {
    return config.getLearnersList().contains(id);
  }

  private void propose(SimNode leader, ConfChangeType type, long id, int votersAfter,
      String what) {
    ConfChangeV2 cc = ConfChangeV2.newBuilder().addChanges(ConfChangeSingle.newBuilder()
        .setType(type).setNodeId(id)).build();
    leader.guarded(() -> {
      if (leader.raw.proposeConfChange(cc)) {
        pending = new Pending(sim.loop.now(), votersAfter);
        sim.recorder.note("membership: leader " + leader.id + " proposes to " + what);
      }
      leader.process();
    });
  }

  /** etcd's rule: the learner's match is at least 90% of the leader's own. */
  private static boolean caughtUp(SimNode leader, long learner) {
    Status st = leader.raw.status();
    Status.PeerProgress self = st.progress().get(leader.id);
    Status.PeerProgress p = st.progress().get(learner);
    return self != null && p != null && p.match() >= self.match() * PROMOTE_READY_FRACTION;
  }

  /**
   * Whether a removal leaves a working majority both in the new configuration and in the old
   * one without the removed member: members that have not yet learned that the removal
   * committed still count votes in the old one, and the removed member's process is gone.
   */
  private boolean removalKeepsQuorum(List<Long> current, long id) {
    return quorumSurvives(without(current, id), 0) && quorumSurvives(current, id);
  }

  /** Whether these voters have a working majority with member {@code gone} stopped. */
  private boolean quorumSurvives(List<Long> voters, long gone) {
    long down = voters.stream().filter(id -> {
      SimNode n = sim.node(id);
      return id == gone || n == null || !n.canRun() || n.crashPoint != null;
    }).count();
    return down <= (voters.size() - 1) / 2;
  }

  private static List<Long> with(List<Long> ids, long id) {
    List<Long> out = new ArrayList<>(ids);
    out.add(id);
    return out;
  }

  private static List<Long> without(List<Long> ids, long id) {
    List<Long> out = new ArrayList<>(ids);
    out.remove(id);
    return out;
  }

  /**
   * A node applied a membership change. The first node to apply it (usually the leader)
   * acts for the cluster: a new member's process starts, a removed member's stops.
   */
  void onApplied(SimNode n, Entry e, ConfChangeV2 cc, ConfState before, ConfState after) {
    if (!appliedAt.add(e.getIndex()) || cc.getChangesCount() == 0) {
      return;
    }
    pending = null;
    voters = after.getVotersCount();
    config = after;
    sim.coverage.add(Counter.MEMBERSHIP_CHANGES);
    if (sim.network.partitioned()) {
      sim.coverage.add(Counter.MEMBERSHIP_CHANGES_DURING_PARTITION);
    }
    sim.recorder.note("membership: node " + n.id + " applied " + describe(cc) + " at index "
        + e.getIndex() + "; voters " + after.getVotersList() + ", learners "
        + after.getLearnersList());
    for (ConfChangeSingle c : cc.getChangesList()) {
      long id = c.getNodeId();
      switch (c.getType()) {
        case ConfChangeAddLearnerNode, ConfChangeAddNode -> {
          if (before.getLearnersList().contains(id)
              && c.getType() == ConfChangeType.ConfChangeAddNode) {
            sim.coverage.add(Counter.LEARNER_PROMOTIONS);
          }
          if (sim.node(id) == null && id >= sim.scenario.nodes() + 1 && joined.add(id)) {
            sim.join(new SimNode(id, sim, new NodeClock(sim.loop), random.split()));
          }
        }
        case ConfChangeRemoveNode -> {
          SimNode removed = sim.node(id);
          if (removed == null) {
            continue;
          }
          if (removed.isLeader()) {
            sim.coverage.add(Counter.LEADER_REMOVALS);
          }
          // katd's member runner checks every 200 ms whether its member was removed, and
          // stops the process two election timeouts later (answering its peers meanwhile);
          // never in the middle of the applying node's Ready.
          sim.loop.after(REMOVAL_GRACE_ELECTIONS * sim.electionMicros()
              + random.nextLong(RETIRE_CHECK_MICROS), () -> sim.retire(removed));
        }
        default -> { }
      }
    }
  }

  /** A node installed a snapshot; on a member that started blank it is its catch-up. */
  void onSnapshotInstalled(SimNode n) {
    if (joined.contains(n.id)) {
      sim.coverage.add(Counter.SNAPSHOTS_TO_NEW_MEMBERS);
    }
  }

  private static String describe(ConfChangeV2 cc) {
    StringBuilder b = new StringBuilder();
    for (ConfChangeSingle c : cc.getChangesList()) {
      b.append(b.length() == 0 ? "" : ", ").append(c.getType()).append(' ')
          .append(c.getNodeId());
    }
    return b.toString();
  }
}
