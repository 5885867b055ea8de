package io.katd.jepsen.sim;

import io.katd.jepsen.check.EventType;
import io.katd.jepsen.check.FencingChecker;
import io.katd.jepsen.check.LostWriteChecker;
import io.katd.jepsen.sim.Coverage.Counter;
import io.katd.proto.kv.KvCommand;
import io.katd.proto.kv.KvResult;
import io.katd.proto.kv.Rejection;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One simulated client: issues one operation at a time to the member it is connected to,
 * records the invocation and the outcome, and fails over to another member on a timeout. A
 * timed-out operation is recorded with an unknown outcome ({@code info}): it may or may not
 * have happened.
 */
final class Client {
  static final long TIMEOUT_MICROS = 400_000;
  static final String[] KEYS = {"/k0", "/k1", "/k2", "/k3"};
  // The second key of a two-key transaction is recorded under this process offset, so that
  // every process in the history stays sequential.
  static final int SECOND_KEY_PROCESS_OFFSET = 1000;

  final int id;
  private final Simulation sim;
  private final SplittableRandom random;
  private final List<OpKind> kinds;
  private SimNode target;
  private long token;
  private boolean inFlight;
  private int seq;
  private String lastSeen = "";
  private long lease;
  private long fenceTerm;
  private SimNode fenceNode;
  final WatchSession watch;

  Client(int id, Simulation sim, SplittableRandom random, List<OpKind> kinds) {
    this.id = id;
    this.sim = sim;
    this.random = random;
    this.kinds = kinds;
    this.watch = new WatchSession("c" + id, sim, random);
  }

  boolean idle() {
    return !inFlight;
  }

  void begin() {
    target = sim.pickNode(random, null);
    sim.loop.after(random.nextLong(20_000), this::next);
  }

  private void next() {
    if (sim.opsIssued >= sim.scenario.ops()) {
      return;
    }
    sim.opsIssued++;
    OpKind kind = kinds.get(random.nextInt(kinds.size()));
    switch (kind) {
      case PUT -> put();
      case GET -> get();
      case SERIALIZABLE_GET -> serializableGet();
      case DELETE -> delete();
      case TXN -> {
        if (random.nextBoolean()) {
          cas();
        } else {
          putBoth();
        }
      }
      case WATCH -> {
        watch.step(random.nextInt(4) == 0 ? null : pickPrefix());
        thinkThenNext();
      }
      case LEASE -> leaseOp();
      case FENCED -> fenced();
    }
  }

  private String pickPrefix() {
    return switch (random.nextInt(4)) {
      case 0 -> "/";
      case 1 -> "/k";
      case 2 -> "/lease/";
      default -> KEYS[random.nextInt(KEYS.length)];
    };
  }

  private String key() {
    return KEYS[random.nextInt(KEYS.length)];
  }

  private String value() {
    return "v" + id + "-" + (++seq);
  }

  private void thinkThenNext() {
    inFlight = false;
    sim.loop.after(10_000 + random.nextLong(110_000), this::next);
  }

  /** One request/response exchange with the target member, with a timeout. */
  private final class Call {
    final long callToken = ++token;
    final String f;
    final String key;
    final Object argument;
    final long invokedAt = sim.loop.now();
    final SimNode node = target;
    boolean done;
    Runnable alsoOnTimeout = () -> { };

    Call(String f, String key, Object argument, boolean recorded) {
      this.f = f;
      this.key = key;
      this.argument = argument;
      inFlight = true;
      if (recorded) {
        sim.recorder.invoke(id, f, key, argument, invokedAt);
      }
      sim.loop.after(TIMEOUT_MICROS, () -> {
        if (!done) {
          timedOut(recorded);
        }
      });
    }

    /** Sends {@code action} to the member; it runs there if the member is up. */
    void send(Runnable action) {
      SimNode n = node;
      int inc = n.incarnation;
      sim.loop.after(sim.clientDelay(random), () -> n.onNode(inc, action));
    }

    /** The member's answer travels back; ignored if the call already timed out. */
    void reply(Runnable onClient) {
      sim.loop.after(sim.clientDelay(random), () -> {
        if (!done && token == callToken) {
          done = true;
          onClient.run();
          thinkThenNext();
        }
      });
    }

    void finish(EventType type, Object result, String shown, boolean recorded) {
      if (recorded) {
        sim.recorder.complete(id, type, f, key, result, sim.loop.now());
      }
      sim.recorder.op(new Recorder.Op(id, f, key, String.valueOf(argument), invokedAt,
          sim.loop.now(), type.wireName(), node.id, shown));
    }

    private void timedOut(boolean recorded) {
      done = true;
      if (recorded) {
        sim.recorder.complete(id, EventType.INFO, f, key, argument, sim.loop.now());
        if (!f.equals("get") && argument != null) {
          sim.unknownWrites.add(argument);
        }
      }
      alsoOnTimeout.run();
      sim.coverage.add(Counter.UNKNOWN_OUTCOMES);
      sim.recorder.op(new Recorder.Op(id, f, key, String.valueOf(argument), invokedAt,
          sim.loop.now(), "info", node.id, "timeout"));
      target = sim.pickNode(random, target);
      thinkThenNext();
    }

    /** Proposes on the member; a dropped proposal fails at once (it did not happen). */
    void propose(KvCommand cmd, Consumer<KvResult> onResult, Runnable onDropped) {
      long requestId = sim.nextRequestId();
      send(() -> {
        if (!node.propose(cmd, requestId, r -> reply(() -> onResult.accept(r)))) {
          reply(onDropped);
        }
      });
    }
  }

  private void put() {
    String key = key();
    String value = value();
    Call c = new Call("put", key, value, true);
    c.propose(Commands.put(key, value, 0, 0), r -> {
      if (r.hasPut()) {
        c.finish(EventType.OK, value, "ok", true);
        sim.acked.add(new LostWriteChecker.Acked(key, value, r.getPut().getHeader()
            .getRevision()));
      } else {
        c.finish(EventType.FAIL, value, rejection(r), true);
      }
    }, () -> dropped(c, value));
  }

  private void dropped(Call c, Object argument) {
    c.finish(EventType.FAIL, argument, "dropped", true);
    target = sim.pickNode(random, target);
  }

  private void get() {
    String key = key();
    Call c = new Call("get", key, null, true);
    String ctx = "read-" + id + "-" + c.callToken;
    c.send(() -> c.node.readIndex(ctx, "client-" + id, index -> {
      String v = c.node.readLocal(key);
      c.reply(() -> {
        lastSeen = v;
        c.finish(EventType.OK, v, v, true);
      });
    }));
  }

  private void serializableGet() {
    String key = key();
    Call c = new Call("serializable-get", key, null, false);
    c.send(() -> {
      String v = c.node.readLocal(key);
      c.reply(() -> c.finish(EventType.OK, v, v, false));
    });
  }

  private void delete() {
    String key = key();
    Call c = new Call("delete", key, null, true);
    c.propose(Commands.delete(key), r -> {
      if (r.hasDeleteRange()) {
        c.finish(EventType.OK, null, "deleted " + r.getDeleteRange().getDeleted(), true);
        if (r.getDeleteRange().getDeleted() > 0) {
          sim.acked.add(new LostWriteChecker.Acked(key, null, r.getDeleteRange().getHeader()
              .getRevision()));
        }
      } else {
        c.finish(EventType.FAIL, null, rejection(r), true);
      }
    }, () -> dropped(c, null));
  }

  private void cas() {
    String key = key();
    String expected = random.nextBoolean() ? lastSeen : "";
    String value = value();
    List<Object> arg = List.of(expected, value);
    Call c = new Call("cas", key, arg, true);
    c.propose(Commands.cas(key, expected, value), r -> {
      if (r.hasTxn() && r.getTxn().getSucceeded()) {
        c.finish(EventType.OK, arg, "swapped", true);
        sim.acked.add(new LostWriteChecker.Acked(key, value, r.getTxn().getHeader()
            .getRevision()));
      } else {
        c.finish(EventType.FAIL, arg, r.hasTxn() ? "compare failed" : rejection(r), true);
      }
    }, () -> dropped(c, arg));
  }

  private void putBoth() {
    String k1 = KEYS[random.nextInt(KEYS.length)];
    String k2 = KEYS[(java.util.Arrays.asList(KEYS).indexOf(k1) + 1 + random.nextInt(
        KEYS.length - 1)) % KEYS.length];
    String v = value();
    int second = id + SECOND_KEY_PROCESS_OFFSET;
    Call c = new Call("put", k1, v, true);
    sim.recorder.invoke(second, "put", k2, v, c.invokedAt);
    c.propose(Commands.putBoth(k1, v, k2, v), r -> {
      boolean ok = r.hasTxn();
      EventType type = ok ? EventType.OK : EventType.FAIL;
      c.finish(type, v, ok ? "ok (two keys)" : rejection(r), true);
      sim.recorder.complete(second, type, "put", k2, v, sim.loop.now());
      if (ok) {
        long rev = r.getTxn().getHeader().getRevision();
        sim.acked.add(new LostWriteChecker.Acked(k1, v, rev));
        sim.acked.add(new LostWriteChecker.Acked(k2, v, rev));
      }
    }, () -> {
      dropped(c, v);
      sim.recorder.complete(second, EventType.FAIL, "put", k2, v, sim.loop.now());
    });
    // A timeout leaves both keys unknown.
    c.alsoOnTimeout = () -> sim.recorder.complete(second, EventType.INFO, "put", k2, v,
        sim.loop.now());
  }

  private void leaseOp() {
    if (lease == 0) {
      long newLease = sim.nextLeaseId();
      Call c = new Call("lease-grant", "/lease/" + newLease, newLease, false);
      c.propose(Commands.grant(newLease, 1), r -> {
        if (r.hasLeaseGrant()) {
          lease = newLease;
          c.finish(EventType.OK, newLease, "granted", false);
          attachKey(newLease);
        } else {
          c.finish(EventType.FAIL, newLease, rejection(r), false);
        }
      }, () -> c.finish(EventType.FAIL, newLease, "dropped", false));
      return;
    }
    long l = lease;
    int choice = random.nextInt(4);
    if (choice == 0) {
      lease = 0; // Forget it: it expires on the leader.
      thinkThenNext();
    } else if (choice == 1) {
      lease = 0;
      Call c = new Call("lease-revoke", "/lease/" + l, l, false);
      c.propose(Commands.revoke(l), r -> c.finish(r.hasLeaseRevoke() ? EventType.OK
          : EventType.FAIL, l, r.hasLeaseRevoke() ? "revoked" : rejection(r), false),
          () -> c.finish(EventType.FAIL, l, "dropped", false));
    } else {
      Call c = new Call("lease-keep-alive", "/lease/" + l, l, false);
      c.propose(Commands.keepAlive(l), r -> {
        boolean alive = r.hasLeaseKeepAlive() && r.getLeaseKeepAlive().getTTL() > 0;
        if (!alive) {
          lease = 0;
        }
        c.finish(alive ? EventType.OK : EventType.FAIL, l, alive ? "renewed" : "expired",
            false);
      }, () -> c.finish(EventType.FAIL, l, "dropped", false));
    }
  }

  private void attachKey(long l) {
    long requestId = sim.nextRequestId();
    SimNode n = target;
    int inc = n.incarnation;
    sim.loop.after(sim.clientDelay(random), () -> n.onNode(inc, () -> n.propose(
        Commands.put("/lease/" + l, "held-" + id, l, 0), requestId, r -> { })));
  }

  private void fenced() {
    if (fenceNode == null || random.nextInt(4) == 0) {
      claim();
      return;
    }
    String value = "f" + id + "-" + (++seq) + "@t" + fenceTerm;
    SimNode saved = target;
    target = fenceNode;
    Call c = new Call("put", "/fenced", value, true);
    target = saved;
    long term = fenceTerm;
    long node = fenceNode.id;
    c.propose(Commands.put("/fenced", value, 0, term), r -> {
      if (r.hasPut()) {
        c.finish(EventType.OK, value, "ok in term " + term, true);
        sim.acked.add(new LostWriteChecker.Acked("/fenced", value,
            r.getPut().getHeader().getRevision()));
      } else {
        boolean fencedOut = r.getRejected().getReason() == Rejection.Reason.FENCED;
        c.finish(EventType.FAIL, value, rejection(r), true);
        if (fencedOut) {
          fenceNode = null;
        }
      }
    }, () -> {
      c.finish(EventType.FAIL, value, "dropped", true);
      fenceNode = null;
    });
    sim.fencedProposals.put(value, node);
  }

  /** Asks the target whether it leads; a leader hands out its term as the fencing token. */
  private void claim() {
    Call c = new Call("claim-leadership", null, null, false);
    c.send(() -> {
      long term = c.node.establishedLeaderTerm();
      long lead = c.node.lead;
      c.reply(() -> {
        if (term > 0) {
          fenceTerm = term;
          fenceNode = c.node;
          sim.claims.add(new FencingChecker.Claim(c.node.id, term));
          c.finish(EventType.OK, null, "leader in term " + term, false);
        } else {
          c.finish(EventType.FAIL, null, "not the leader", false);
          SimNode leader = sim.node(lead);
          target = leader != null ? leader : sim.pickNode(random, target);
        }
      });
    });
  }

  private static String rejection(KvResult r) {
    return r.hasRejected() ? r.getRejected().getReason().name() : r.getResultCase().name();
  }
}
