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
 * state at one settled revision, and the committed history read back from revision 1.
 * Each step retries until {@code settle} runs out.
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

  /** Every event on the workload's keys from revision 1 through {@code lastRevision}. */
  SortedMap<Long, List<KvEvent>> committedHistory(long lastRevision) {
    SortedMap<Long, List<KvEvent>> committed = new TreeMap<>();
    long[] seen = {0};
    WatchFeed feed = new WatchFeed(endpoints, 0, RegisterClient.PREFIX,
        RegisterClient.PREFIX_END, 1, deliveries -> {
          synchronized (committed) {
            for (WatchStream.Delivery d : deliveries) {
              committed.put(d.revision(), d.events());
              seen[0] = Math.max(seen[0], d.revision());
            }
          }
        });
    boolean complete = Await.within(settle, () -> {
      synchronized (committed) {
        return seen[0] >= lastRevision || feed.ended();
      }
    });
    feed.cancel();
    synchronized (committed) {
      if (!complete || seen[0] < lastRevision) {
        log.note("the committed history read from " + members.get(0).name()
            + " stopped at revision " + seen[0] + " of " + lastRevision + ": "
            + feed.endReason());
      }
      return new TreeMap<>(committed);
    }
  }

  /** Every member's key-values on the workload's keys, read locally once settled. */
  Map<Long, Map<String, String>> finalStates() {
    Map<Long, Map<String, String>> states = new TreeMap<>();
    for (Member m : members) {
      try {
        RangeResponse r = endpoints.range(m.index(), RegisterClient.PREFIX,
            RegisterClient.PREFIX_END, true, CALL);
        Map<String, String> kvs = new TreeMap<>();
        for (KeyValue kv : r.getKvsList()) {
          kvs.put(kv.getKey().toString(StandardCharsets.UTF_8),
              kv.getValue().toString(StandardCharsets.UTF_8));
        }
        states.put((long) m.index(), kvs);
      } catch (StatusRuntimeException e) {
        log.note(m.name() + " gave no final state: " + e.getStatus());
      }
    }
    return states;
  }

  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(RETRY_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
