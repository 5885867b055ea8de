package io.katd.jepsen.process;

import io.grpc.StatusRuntimeException;
import io.katd.jepsen.check.ConvergenceChecker;
import io.katd.jepsen.check.EventType;
import io.katd.jepsen.check.Finding;
import io.katd.jepsen.check.KvEvent;
import io.katd.jepsen.check.WatchStream;
import io.katd.proto.etcd.etcdserverpb.HashKVResponse;
import io.katd.proto.etcd.etcdserverpb.PutResponse;
import io.katd.proto.etcd.etcdserverpb.RangeResponse;
import io.katd.proto.etcd.etcdserverpb.StatusResponse;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The end of a run, once every fault has healed: a final write that must succeed, final
 * linearizable reads through every member (both recorded in the history), every member's
 * state at one settled revision, and every member's own history read back from revision 1
 * with its final key-values. Each step retries until {@code settle} runs out.
 */
final class FinalChecks {
  private static final Duration CALL = Duration.ofSeconds(2);
  private static final long RETRY_MILLIS = 200;

  private final EtcdEndpoints endpoints;
  private final List<Member> members;
  private final RunLog log;
  private final Duration settle;

  FinalChecks(EtcdEndpoints endpoints, List<Member> members, RunLog log, Duration settle) {
    this.endpoints = endpoints;
    this.members = members;
    this.log = log;
    this.settle = settle;
  }

  /** Puts {@code key}={@code value} through any member; its revision, or 0 on failure. */
  long finalWrite(int process, String key, String value) {
    long deadline = System.nanoTime() + settle.toNanos();
    for (int m = 0; System.nanoTime() < deadline; m = (m + 1) % members.size()) {
      long t = log.invoke(process, "put", key, value);
      try {
        PutResponse r = endpoints.put(m, key, value, CALL);
        log.acked(key, value, r.getHeader().getRevision());
        log.complete(process, EventType.OK, "put", key, value, value, t,
            members.get(m).name());
        return r.getHeader().getRevision();
      } catch (StatusRuntimeException e) {
        log.complete(process, EventType.INFO, "put", key, value, e.getStatus().getCode(), t,
            members.get(m).name());
        pause();
      }
    }
    return 0;
  }

  /** Reads every key through every member; a member that never answers breaks it. */
  Finding finalReads(int processBase, List<String> keys) {
    long deadline = System.nanoTime() + settle.toNanos();
    List<String> unanswered = new ArrayList<>();
    for (Member m : members) {
      int process = processBase + m.index();
      for (String key : keys) {
        boolean done = false;
        while (!done && System.nanoTime() < deadline) {
          long t = log.invoke(process, "get", key, null);
          try {
            RangeResponse r = endpoints.get(m.index(), key, false, CALL);
            String value = r.getKvsCount() == 0 ? ""
                : r.getKvs(0).getValue().toString(StandardCharsets.UTF_8);
            log.complete(process, EventType.OK, "get", key, null, value, t, m.name());
            done = true;
          } catch (StatusRuntimeException e) {
            log.complete(process, EventType.FAIL, "get", key, null, e.getStatus().getCode(), t,
                m.name());
            pause();
          }
        }
        if (!done) {
          unanswered.add(m.name() + ":" + key);
        }
      }
    }
    return unanswered.isEmpty() ? Finding.ok("final-reads") : Finding.violation("final-reads",
        "no linearizable answer within " + settle + " for " + unanswered);
  }

  /**
   * Waits until every member reports the same applied index and revision, then takes each
   * member's state hash at that revision. A member that does not answer shows as
   * (-1, -1, -1), which the convergence checker reports.
   */
  Map<Long, ConvergenceChecker.NodeState> settledStates() {
    Await.within(settle, () -> {
      List<StatusResponse> all = statuses();
      return all.size() == members.size() && all.stream().map(s -> List.of(
          s.getRaftAppliedIndex(), s.getHeader().getRevision())).distinct().count() == 1;
    });
    Map<Long, ConvergenceChecker.NodeState> states = new TreeMap<>();
    List<StatusResponse> all = statuses();
    long revision = all.stream().mapToLong(s -> s.getHeader().getRevision()).min().orElse(0);
    for (Member m : members) {
      try {
        StatusResponse s = endpoints.status(m.index(), CALL);
        HashKVResponse h = endpoints.hashKv(m.index(), revision, CALL);
        states.put((long) m.index(), new ConvergenceChecker.NodeState(
            s.getRaftAppliedIndex(), h.getHeader().getRevision(), h.getHash()));
      } catch (StatusRuntimeException e) {
        states.put((long) m.index(), new ConvergenceChecker.NodeState(-1, -1, -1));
        log.note(m.name() + " gave no state hash: " + e.getStatus());
      }
    }
    log.note("settled states at revision " + revision + ": " + states);
    return states;
  }

  private List<StatusResponse> statuses() {
    List<StatusResponse> out = new ArrayList<>();
    for (Member m : members) {
      try {
        out.add(endpoints.status(m.index(), CALL));
      } catch (StatusRuntimeException e) {
        // Not answering yet: not settled.
      }
    }
    return out;
  }

  /**
   * Every live member's view of the outcome, each read from that member alone: its
   * history of the workload's keys up to {@code lastRevision} and its final key-values.
   */
  List<MemberView> memberViews(long lastRevision) {
    List<MemberView> views = new ArrayList<>();
    for (Member m : members) {
      views.add(view(m, lastRevision));
    }
    return views;
  }

  /**
   * One member's history from revision 1 (or from its compaction point, when the member
   * compacted below 1) through {@code lastRevision}, as its watch replays it, and its final
   * key-values read locally.
   */
  MemberView view(Member m, long lastRevision) {
    SortedMap<Long, List<KvEvent>> history = new TreeMap<>();
    long from = 1;
    long reached = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
      WatchFeed feed = replay(m, from, lastRevision, history);
      synchronized (history) {
        reached = history.isEmpty() ? from - 1 : history.lastKey();
      }
      if (feed.compactRevision() > from) {
        // The member compacted: its history can only be read from the compaction point.
        from = feed.compactRevision();
        history.clear();
        continue;
      }
      if (reached < lastRevision) {
        log.note("the history read from " + m.name() + " stopped at revision " + reached
            + " of " + lastRevision + ": " + feed.endReason());
      }
      break;
    }
    // The final write is on a workload key, so a complete history delivers its revision.
    return new MemberView(m.index(), m.name(), from, reached, history, finalState(m));
  }

  private WatchFeed replay(Member m, long from, long lastRevision,
      SortedMap<Long, List<KvEvent>> into) {
    long[] seen = {from - 1};
    WatchFeed feed = new WatchFeed(endpoints, m.index(), RegisterClient.PREFIX,
        RegisterClient.PREFIX_END, from, deliveries -> {
          synchronized (into) {
            for (WatchStream.Delivery d : deliveries) {
              into.put(d.revision(), d.events());
              seen[0] = Math.max(seen[0], d.revision());
            }
          }
        });
    Await.within(settle, () -> {
      synchronized (into) {
        return seen[0] >= lastRevision || feed.ended();
      }
    });
    feed.cancel();
    return feed;
  }

  /** The member's key-values on the workload's keys, read locally; null if it did not answer. */
  private Map<String, String> finalState(Member m) {
    try {
      RangeResponse r = endpoints.range(m.index(), RegisterClient.PREFIX,
          RegisterClient.PREFIX_END, true, CALL);
      Map<String, String> kvs = new TreeMap<>();
      for (KeyValue kv : r.getKvsList()) {
        kvs.put(kv.getKey().toString(StandardCharsets.UTF_8),
            kv.getValue().toString(StandardCharsets.UTF_8));
      }
      return kvs;
    } catch (StatusRuntimeException e) {
      log.note(m.name() + " gave no final state: " + e.getStatus());
      return null;
    }
  }

  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(RETRY_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
