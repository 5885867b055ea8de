package io.katd.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.katd.proto.etcd.etcdserverpb.DeleteRangeRequest;
import io.katd.proto.etcd.etcdserverpb.KVGrpc;
import io.katd.proto.etcd.etcdserverpb.PutRequest;
import io.katd.proto.etcd.etcdserverpb.WatchCreateRequest;
import io.katd.proto.etcd.etcdserverpb.WatchGrpc;
import io.katd.proto.etcd.etcdserverpb.WatchRequest;
import io.katd.proto.etcd.etcdserverpb.WatchResponse;
import io.katd.proto.etcd.mvccpb.Event;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watch streams over gRPC: responses larger than the request limit split for watchers that
 * ask for it; progress requests of the stream.
 */
class EtcdWatchStreamTest {
    private static final int LIMIT = 4096;
    private static final int KEYS = 40;

    @TempDir
    Path tmp;

    private static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Test
    void aLargeRevisionReachesAFragmentWatcherInPiecesAndOthersWhole() throws Exception {
        try (EtcdApiCluster cluster = new EtcdApiCluster(5, tmp, LIMIT)) {
            ManagedChannel ch = NettyChannelBuilder.forTarget(cluster.endpoint(2)
                    .replace("http://", "")).usePlaintext().build();
            try {
                KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(ch)
                        .withDeadlineAfter(60, TimeUnit.SECONDS);
                for (int i = 0; i < KEYS; i++) {
                    kv.put(PutRequest.newBuilder().setKey(b(String.format("/f/%02d", i)))
                            .setValue(ByteString.copyFrom(new byte[300])).build());
                }
                LinkedBlockingQueue<WatchResponse> fragmented = watch(ch, true);
                LinkedBlockingQueue<WatchResponse> whole = watch(ch, false);
                // One revision of 40 deletes, each with its 300-byte previous value.
                kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(b("/f/"))
                        .setRangeEnd(b("/f0")).setPrevKv(true).build());

                List<WatchResponse> parts = new ArrayList<>();
                WatchResponse r;
                do {
                    r = take(fragmented);
                    parts.add(r);
                } while (r.getFragment());
                assertThat(parts).hasSizeGreaterThan(1);
                List<Event> joined = new ArrayList<>();
                for (WatchResponse p : parts) {
                    assertThat(p.getSerializedSize()).isLessThanOrEqualTo(LIMIT);
                    assertThat(p.getHeader().getRevision())
                            .isEqualTo(parts.get(0).getHeader().getRevision());
                    joined.addAll(p.getEventsList());
                }
                WatchResponse all = take(whole);
                assertThat(all.getFragment()).isFalse();
                assertThat(all.getSerializedSize()).isGreaterThan(LIMIT);
                assertThat(joined).isEqualTo(all.getEventsList()).hasSize(KEYS);
                assertThat(joined).allSatisfy(e -> {
                    assertThat(e.getType()).isEqualTo(Event.EventType.DELETE);
                    assertThat(e.getPrevKv().getValue().size()).isEqualTo(300);
                });
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Test
    void aProgressResponseComesAfterEveryEventUpToItsRevision() throws Exception {
        try (EtcdApiCluster cluster = new EtcdApiCluster(6, tmp)) {
            ManagedChannel ch = NettyChannelBuilder.forTarget(cluster.endpoint(3)
                    .replace("http://", "")).usePlaintext().build();
            try {
                KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(ch)
                        .withDeadlineAfter(60, TimeUnit.SECONDS);
                long first = 0;
                for (int i = 0; i < 200; i++) {
                    long rev = kv.put(PutRequest.newBuilder().setKey(b("/h/" + (i % 7)))
                            .setValue(b("v" + i)).build()).getHeader().getRevision();
                    first = first == 0 ? rev : first;
                }
                LinkedBlockingQueue<WatchResponse> q = new LinkedBlockingQueue<>();
                StreamObserver<WatchRequest> stream = stream(ch, q);
                // One watch from now, one catching up over the 200 revisions just written;
                // the progress request goes right behind their creation.
                stream.onNext(create(b("/live"), 0));
                stream.onNext(create(b("/h/"), first));
                stream.onNext(WatchRequest.newBuilder().setProgressRequest(
                        io.katd.proto.etcd.etcdserverpb.WatchProgressRequest.newBuilder())
                        .build());
                List<Long> eventRevisions = new ArrayList<>();
                WatchResponse r;
                do {
                    r = take(q);
                    assertThat(r.getWatchId() == -1 || r.getCreated() || r.getEventsCount() > 0)
                            .as("no per-watch progress for watches that did not ask: " + r)
                            .isTrue();
                    r.getEventsList().forEach(e -> eventRevisions.add(e.getKv()
                            .getModRevision()));
                } while (r.getWatchId() != -1);
                long promised = r.getHeader().getRevision();
                assertThat(promised).isGreaterThanOrEqualTo(first + 199);
                // Every write of /h/ up to the promised revision arrived before the promise.
                assertThat(eventRevisions).containsAll(java.util.stream.LongStream.rangeClosed(
                        first, first + 199).boxed().toList());
                stream.onCompleted();
            } finally {
                ch.shutdownNow();
            }
        }
    }

    private static WatchRequest create(ByteString prefix, long startRevision) {
        ByteString end = prefix.concat(ByteString.copyFrom(new byte[] {(byte) 0xff}));
        return WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                .setKey(prefix).setRangeEnd(end).setStartRevision(startRevision)).build();
    }

    /** A watch of /f/ with previous values; returns its responses after the creation. */
    private static LinkedBlockingQueue<WatchResponse> watch(ManagedChannel ch, boolean fragment)
            throws InterruptedException {
        LinkedBlockingQueue<WatchResponse> q = new LinkedBlockingQueue<>();
        StreamObserver<WatchRequest> requests = stream(ch, q);
        requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest
                .newBuilder().setKey(b("/f/")).setRangeEnd(b("/f0")).setPrevKv(true)
                .setFragment(fragment)).build());
        assertThat(take(q).getCreated()).isTrue();
        return q;
    }

    private static StreamObserver<WatchRequest> stream(ManagedChannel ch,
            LinkedBlockingQueue<WatchResponse> q) {
        return WatchGrpc.newStub(ch).watch(
                new StreamObserver<>() {
                    @Override
                    public void onNext(WatchResponse r) {
                        q.add(r);
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                });
    }

    private static WatchResponse take(LinkedBlockingQueue<WatchResponse> q)
            throws InterruptedException {
        WatchResponse r = q.poll(Waits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(r).as("a watch response within " + Waits.TIMEOUT).isNotNull();
        return r;
    }
}
