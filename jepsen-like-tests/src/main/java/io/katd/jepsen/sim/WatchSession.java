package io.katd.jepsen.sim;

import com.google.protobuf.ByteString;
import io.katd.jepsen.check.KvEvent;
import io.katd.jepsen.check.WatchStream;
import io.katd.jepsen.sim.Coverage.Counter;
import io.katd.kv.watch.CancelReason;
import io.katd.kv.watch.WatchRequest;
import io.katd.kv.watch.WatchResponse;
import io.katd.proto.etcd.mvccpb.Event;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One client's logical watch: a prefix watched from a start revision, kept alive across
 * reconnections by resuming on another member from the revision after the last one
 * received. Every events response is recorded for the {@link io.katd.jepsen.check.WatchChecker}.
 * A stream cancelled because its revision was compacted ends there; the client starts a new
 * one after the compacted revision.
 */
final class WatchSession {
  private final String name;
  private final Simulation sim;
  private final SplittableRandom random;
  private final List<WatchStream> ended = new ArrayList<>();
  private String prefix;
  private long startRevision;
  private long nextRevision;
  private List<WatchStream.Delivery> deliveries = new ArrayList<>();
  private SimNode node;
  private int connection;
  // The watch last registered, and the member process (node, incarnation) whose hub holds
  // it: ids are unique only within one hub, and a registration may run long after the
  // connect that asked for it (a member blocked in a slow sync holds it back).
  private SimNode watchNode;
  private int watchIncarnation;
  private long watchId;
  private int streams;
  private boolean open;

  WatchSession(String name, Simulation sim, SplittableRandom random) {
    this.name = name;
    this.sim = sim;
    this.random = random;
  }

  /** Opens a watch on {@code prefix}, or with null (or when one is open) reconnects. */
  void step(String newPrefix) {
    if (!open && newPrefix != null) {
      begin(newPrefix);
    } else if (open) {
      reconnect();
    }
  }

  private void begin(String p) {
    SimNode n = sim.pickNode(random, null);
    if (n == null || !n.canRun()) {
      return;
    }
    prefix = p;
    long current = n.sm.currentRevision();
    long from = switch (random.nextInt(3)) {
      case 0 -> 0; // from now on
      case 1 -> Math.max(1, current - random.nextInt(6)); // from the past, maybe compacted
      default -> current + 1 + random.nextInt(3); // from the future
    };
    open = true;
    streams++;
    deliveries = new ArrayList<>();
    startRevision = from;
    nextRevision = from;
    connect(n, from);
  }

  private void connect(SimNode n, long from) {
    node = n;
    int conn = ++connection;
    int inc = n.incarnation;
    sim.loop.after(sim.clientDelay(random), () -> {
      if (conn != connection) {
        return;
      }
      if (!n.isUp() || n.incarnation != inc) {
        // Connection refused: try another member.
        sim.loop.after(20_000, this::reconnect);
        return;
      }
      n.onNode(inc, () -> {
        if (conn != connection) {
          return; // The client moved on before the member got to the request.
        }
        watchId = n.sm.watchHub().watch(WatchRequest.prefix(ByteString.copyFromUtf8(prefix))
            .fromRevision(from), resp -> onResponse(conn, resp));
        watchNode = n;
        watchIncarnation = inc;
      });
    });
  }

  private void onResponse(int conn, WatchResponse resp) {
    if (conn != connection || !open) {
      return;
    }
    switch (resp.kind()) {
      case CREATED -> {
        if (startRevision == 0) {
          startRevision = resp.revision() + 1;
          nextRevision = startRevision;
        }
      }
      case EVENTS -> {
        // A response may hold several revisions (a catch-up batch): split by revision. Its
        // header revision is the store's, not necessarily that of its events.
        long rev = -1;
        List<KvEvent> events = new ArrayList<>();
        for (Event e : resp.events()) {
          KvEvent ev = convert(e);
          if (ev.modRevision() != rev && !events.isEmpty()) {
            deliveries.add(new WatchStream.Delivery(rev, events));
            events = new ArrayList<>();
          }
          rev = ev.modRevision();
          events.add(ev);
        }
        deliveries.add(new WatchStream.Delivery(rev, events));
        nextRevision = rev + 1;
      }
      case CANCELED -> {
        if (resp.cancelReason() == CancelReason.COMPACTED) {
          sim.coverage.add(Counter.WATCH_CANCELLATIONS_COMPACTED);
          endStream(lastDelivered());
          // Start over after the compacted revision: a new stream, since the events in
          // between are gone for good.
          streams++;
          deliveries = new ArrayList<>();
          startRevision = resp.compactRevision() + 1;
          nextRevision = startRevision;
          open = true;
          sim.coverage.add(Counter.WATCH_RESUMES_AFTER_COMPACTION);
          SimNode n = node;
          sim.loop.after(sim.clientDelay(random), () -> {
            if (open && n.canRun()) {
              connect(n, startRevision);
            }
          });
        }
      }
      case PROGRESS -> { }
    }
  }

  private long lastDelivered() {
    return deliveries.isEmpty() ? Math.max(0, startRevision - 1)
        : deliveries.get(deliveries.size() - 1).revision();
  }

  private void endStream(long caughtUpTo) {
    if (startRevision >= 1) {
      ended.add(new WatchStream(name + "." + streams, prefix, startRevision, deliveries,
          caughtUpTo));
    }
    open = false;
  }

  /** The connection broke (the member crashed) or the client chose to move: resume. */
  void reconnect() {
    if (!open) {
      return;
    }
    if (startRevision == 0) {
      // Never learned where it started: give the stream up and start afresh later.
      open = false;
      return;
    }
    SimNode old = node;
    cancelWatch();
    connection++;
    SimNode n = sim.pickNode(random, old);
    if (n == null) {
      return;
    }
    long from = switch (sim.scenario.canary()) {
      case WATCH_RESEND -> Math.max(startRevision, nextRevision - 1);
      case WATCH_SKIP -> nextRevision + 1;
      default -> nextRevision;
    };
    sim.coverage.add(Counter.WATCH_RESUMES);
    connect(n, from);
  }

  /** Asks the member holding the registered watch to cancel it; it does so in its own time. */
  private void cancelWatch() {
    SimNode holder = watchNode;
    if (holder == null) {
      return;
    }
    long id = watchId;
    watchNode = null;
    holder.onNode(watchIncarnation, () -> holder.sm.watchHub().cancel(id));
  }

  void onNodeDown(SimNode n) {
    if (open && node == n) {
      sim.loop.after(20_000 + random.nextLong(50_000), this::reconnect);
    }
  }

  /** Every stream this client had; one still open is caught up to {@code finalRevision}. */
  List<WatchStream> streams(long finalRevision) {
    List<WatchStream> all = new ArrayList<>(ended);
    if (open && startRevision >= 1) {
      all.add(new WatchStream(name + "." + streams, prefix, startRevision, deliveries,
          finalRevision));
    }
    return all;
  }

  /** Where the open stream is connected, for the settle phase; null if none. */
  SimNode connectedNode() {
    return open ? node : null;
  }

  static KvEvent convert(Event e) {
    KeyValue kv = e.getKv();
    String key = kv.getKey().toStringUtf8();
    return e.getType() == Event.EventType.DELETE ? KvEvent.delete(key, kv.getModRevision())
        : KvEvent.put(key, kv.getValue().toStringUtf8(), kv.getModRevision(),
            kv.getCreateRevision(), kv.getVersion());
  }
}
