package io.katd.jepsen.process;

import io.grpc.stub.StreamObserver;
import io.katd.jepsen.check.KvEvent;
import io.katd.jepsen.check.WatchStream;
import io.katd.proto.etcd.etcdserverpb.WatchCreateRequest;
import io.katd.proto.etcd.etcdserverpb.WatchRequest;
import io.katd.proto.etcd.etcdserverpb.WatchResponse;
import io.katd.proto.etcd.mvccpb.Event;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A watch on a key range through one member, as raw deliveries: each events response split
 * by revision. Used two ways: a client's logical stream that resumes on the next member
 * after its server-side watch ends ({@link ResumingWatch}), and a one-shot read of the
 * committed history from revision 1.
 */
final class WatchFeed {
  private final StreamObserver<WatchRequest> requests;
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile String endReason = "";
  private volatile long compactRevision;

  /** Opens a watch of [from, to) starting at {@code startRevision} on {@code member}. */
  WatchFeed(EtcdEndpoints endpoints, int member, String from, String to, long startRevision,
      Consumer<List<WatchStream.Delivery>> onDeliveries) {
    this.requests = endpoints.watch(member).watch(new StreamObserver<>() {
      @Override
      public void onNext(WatchResponse r) {
        if (r.getCompactRevision() > 0) {
          compactRevision = r.getCompactRevision();
          end("compacted at revision " + r.getCompactRevision());
          return;
        }
        if (r.getCanceled()) {
          end("canceled: " + r.getCancelReason());
          return;
        }
        if (r.getEventsCount() > 0) {
          onDeliveries.accept(deliveries(r.getEventsList()));
        }
      }

      @Override
      public void onError(Throwable t) {
        end(t.toString());
      }

      @Override
      public void onCompleted() {
        end("completed by the server");
      }
    });
    requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
        .setKey(EtcdEndpoints.bytes(from)).setRangeEnd(EtcdEndpoints.bytes(to))
        .setStartRevision(startRevision)).build());
  }

  private void end(String reason) {
    if (ended.getCount() > 0) {
      endReason = reason;
      ended.countDown();
    }
  }

  boolean ended() {
    return ended.getCount() == 0;
  }

  String endReason() {
    return endReason;
  }

  /** The compaction point the server named when it refused the start revision, or 0. */
  long compactRevision() {
    return compactRevision;
  }

  boolean awaitEnd(long millis) throws InterruptedException {
    return ended.await(millis, TimeUnit.MILLISECONDS);
  }

  void cancel() {
    try {
      requests.onCompleted();
    } catch (RuntimeException ignored) {
      // Already closed.
    }
    end("canceled by the client");
  }

  static List<WatchStream.Delivery> deliveries(List<Event> events) {
    Map<Long, List<KvEvent>> byRevision = new TreeMap<>();
    for (Event e : events) {
      KeyValue kv = e.getKv();
      String key = kv.getKey().toString(StandardCharsets.UTF_8);
      KvEvent k = e.getType() == Event.EventType.DELETE
          ? KvEvent.delete(key, kv.getModRevision())
          : KvEvent.put(key, kv.getValue().toString(StandardCharsets.UTF_8),
              kv.getModRevision(), kv.getCreateRevision(), kv.getVersion());
      byRevision.computeIfAbsent(kv.getModRevision(), r -> new ArrayList<>()).add(k);
    }
    List<WatchStream.Delivery> out = new ArrayList<>();
    byRevision.forEach((rev, list) -> out.add(new WatchStream.Delivery(rev, list)));
    return out;
  }
}
