package io.katd.jepsen.process;

import io.grpc.StatusRuntimeException;
import io.katd.jepsen.check.EventType;
import io.katd.proto.etcd.etcdserverpb.PutResponse;
import io.katd.proto.etcd.etcdserverpb.RangeResponse;
import io.katd.proto.etcd.etcdserverpb.TxnResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One client of the register workload: per-key registers with linearizable gets, puts of
 * unique values and compare-and-set through a transaction, on keys {@code k/0 .. k/n-1}.
 * It talks to one member and moves to the next after any error. An operation that errs
 * is recorded as failed when it certainly did not take effect (a read, a cas whose compare
 * failed) and as unknown otherwise (a write that timed out or lost its connection may
 * still commit).
 */
final class RegisterClient implements Runnable {
  static final String PREFIX = "k/";
  static final String PREFIX_END = "k0";

  private final int process;
  private final EtcdEndpoints endpoints;
  private final List<Member> members;
  private final RunLog log;
  private final Random random;
  private final int keys;
  private final Duration timeout;
  private final long thinkMillis;
  private final Map<String, String> lastSeen = new HashMap<>();
  private volatile boolean stopped;
  private int member;
  private long sequence;

  RegisterClient(int process, EtcdEndpoints endpoints, List<Member> members, RunLog log,
      long seed, int keys, Duration timeout, long thinkMillis) {
    this.process = process;
    this.endpoints = endpoints;
    this.members = members;
    this.log = log;
    this.random = new Random(seed);
    this.keys = keys;
    this.timeout = timeout;
    this.thinkMillis = thinkMillis;
    this.member = process % members.size();
  }

  static String key(int i) {
    return PREFIX + i;
  }

  void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    while (!stopped) {
      String key = key(random.nextInt(keys));
      int dice = random.nextInt(10);
      String expected = lastSeen.get(key);
      if (dice < 4 || dice >= 8 && expected == null) {
        get(key);
      } else if (dice < 8) {
        put(key, "c" + process + "-" + ++sequence);
      } else {
        cas(key, expected, "c" + process + "-" + ++sequence);
      }
      if (thinkMillis > 0) {
        try {
          TimeUnit.MILLISECONDS.sleep(thinkMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private String memberName() {
    return members.get(member).name();
  }

  private void failover() {
    member = (member + 1) % members.size();
  }

  void get(String key) {
    String on = memberName();
    long t = log.invoke(process, "get", key, null);
    try {
      RangeResponse r = endpoints.get(member, key, false, timeout);
      String value = r.getKvsCount() == 0 ? ""
          : r.getKvs(0).getValue().toString(StandardCharsets.UTF_8);
      lastSeen.put(key, value.isEmpty() ? null : value);
      log.complete(process, EventType.OK, "get", key, null, value, t, on);
    } catch (StatusRuntimeException e) {
      log.complete(process, EventType.FAIL, "get", key, null, e.getStatus().getCode(), t, on);
      failover();
    }
  }

  void put(String key, String value) {
    String on = memberName();
    long t = log.invoke(process, "put", key, value);
    try {
      PutResponse r = endpoints.put(member, key, value, timeout);
      lastSeen.put(key, value);
      log.acked(key, value, r.getHeader().getRevision());
      log.complete(process, EventType.OK, "put", key, value, value, t, on);
    } catch (StatusRuntimeException e) {
      log.complete(process, EventType.INFO, "put", key, value, e.getStatus().getCode(), t, on);
      failover();
    }
  }

  void cas(String key, String expected, String value) {
    String on = memberName();
    List<String> argument = List.of(expected, value);
    long t = log.invoke(process, "cas", key, argument);
    try {
      TxnResponse r = endpoints.cas(member, key, expected, value, timeout);
      if (r.getSucceeded()) {
        lastSeen.put(key, value);
        log.acked(key, value, r.getHeader().getRevision());
        log.complete(process, EventType.OK, "cas", key, argument, argument, t, on);
      } else {
        lastSeen.remove(key);
        log.complete(process, EventType.FAIL, "cas", key, argument, "compare failed", t, on);
      }
    } catch (StatusRuntimeException e) {
      log.complete(process, EventType.INFO, "cas", key, argument, e.getStatus().getCode(), t,
          on);
      failover();
    }
  }
}
