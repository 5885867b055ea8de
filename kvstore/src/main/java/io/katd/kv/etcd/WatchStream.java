package io.katd.kv.etcd;

import com.google.protobuf.CodedOutputStream;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.katd.kv.watch.CancelReason;
import io.katd.kv.watch.WatchHub;
import io.katd.kv.watch.WatchListener;
import io.katd.proto.etcd.etcdserverpb.WatchCreateRequest;
import io.katd.proto.etcd.mvccpb.Event;
import io.katd.proto.etcd.etcdserverpb.WatchRequest;
import io.katd.proto.etcd.etcdserverpb.WatchResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Watch call: many watchers on one bidirectional stream, each a watch of the member's
 * {@link WatchHub}. Watch ids belong to the stream: the client may choose them, otherwise
 * they count up from 0 as etcd's do. Responses of all watchers go out one at a time, each
 * watcher's in its hub order; a watcher whose client cannot take more is held back by the
 * hub until the stream is ready again.
 */
final class WatchStream implements StreamObserver<WatchRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(WatchStream.class);
    // etcd's watch id for responses that belong to no watcher (progress requests).
    static final long NO_WATCH_ID = -1;
    static final String COMPACTED_REASON =
            "etcdserver: mvcc: required revision has been compacted";
    static final String DUPLICATE_ID_REASON =
            "mvcc: duplicate watch ID provided on the WatchStream";

    private final ServerContext member;
    private final WatchHub hub;
    private final ServerCallStreamObserver<WatchResponse> out;
    // Guarded by this: stream watch id -> hub watch id, for live watchers.
    private final Map<Long, Long> hubIds = new HashMap<>();
    private long nextId;
    private boolean ended;
    private static final long UNKNOWN = -1;
    private static final long CURRENT = -2;
    // The watches a pending progress request waits for, with the revision each reported
    // (UNKNOWN until then); null when none is pending.
    private Map<Long, Long> progressWaiting;

    WatchStream(ServerContext member, ServerCallStreamObserver<WatchResponse> out) {
        this.member = member;
        this.hub = member.stateMachine.watchHub();
        this.out = out;
        out.setOnReadyHandler(this::resumeAll);
        out.setOnCancelHandler(this::cancelAll);
    }

    @Override
    public void onNext(WatchRequest request) {
        switch (request.getRequestUnionCase()) {
            case CREATE_REQUEST -> create(request.getCreateRequest());
            case CANCEL_REQUEST -> cancel(request.getCancelRequest().getWatchId());
            case PROGRESS_REQUEST -> requestProgress();
            case REQUESTUNION_NOT_SET -> { }
        }
    }

    private void create(WatchCreateRequest c) {
        long id;
        synchronized (this) {
            if (ended) {
                return;
            }
            if (c.getWatchId() != 0 && hubIds.containsKey(c.getWatchId())) {
                id = -2;
            } else if (c.getWatchId() != 0) {
                id = c.getWatchId();
            } else {
                while (hubIds.containsKey(nextId)) {
                    nextId++;
                }
                id = nextId++;
            }
            if (id >= 0) {
                hubIds.put(id, -1L);
            }
        }
        if (id < 0) {
            refuse(c.getWatchId(), DUPLICATE_ID_REASON);
            return;
        }
        io.katd.kv.watch.WatchRequest request;
        try {
            request = hubRequest(c);
        } catch (IllegalArgumentException e) {
            synchronized (this) {
                hubIds.remove(id);
            }
            refuse(id, "etcdserver: " + e.getMessage());
            return;
        }
        long hubId = hub.watch(request, new Listener(id, c.getFragment(),
                c.getProgressNotify()));
        synchronized (this) {
            if (hubIds.containsKey(id)) {
                hubIds.put(id, hubId);
                return;
            }
        }
        hub.cancel(hubId); // the stream ended meanwhile
    }

    private static io.katd.kv.watch.WatchRequest hubRequest(WatchCreateRequest c) {
        boolean noPut = false;
        boolean noDelete = false;
        for (WatchCreateRequest.FilterType f : c.getFiltersList()) {
            noPut |= f == WatchCreateRequest.FilterType.NOPUT;
            noDelete |= f == WatchCreateRequest.FilterType.NODELETE;
        }
        return new io.katd.kv.watch.WatchRequest(c.getKey(), c.getRangeEnd(),
                Math.max(0, c.getStartRevision()), c.getPrevKv(), noPut, noDelete,
                c.getProgressNotify());
    }

    private void refuse(long id, String reason) {
        send(WatchResponse.newBuilder().setHeader(member.header()).setWatchId(id)
                .setCreated(true).setCanceled(true).setCancelReason(reason).build());
    }

    private void cancel(long id) {
        Long hubId;
        synchronized (this) {
            hubId = hubIds.get(id);
        }
        if (hubId != null && hubId >= 0) {
            hub.cancel(hubId);
        }
    }

    private final class Listener implements WatchListener {
        private final long id;
        private final boolean fragment;
        private final boolean progressNotify;

        Listener(long id, boolean fragment, boolean progressNotify) {
            this.id = id;
            this.fragment = fragment;
            this.progressNotify = progressNotify;
        }

        @Override
        public void onResponse(io.katd.kv.watch.WatchResponse r) {
            WatchResponse.Builder b = WatchResponse.newBuilder()
                    .setHeader(member.header(r.revision())).setWatchId(id);
            switch (r.kind()) {
                case CREATED -> b.setCreated(true);
                case EVENTS -> {
                    if (fragment) {
                        sendFragments(b, r.events());
                        return;
                    }
                    b.addAllEvents(r.events());
                }
                case PROGRESS -> {
                    // Sent on only to a watch that asked for progress notifications; the
                    // stream's progress requests count them all.
                    if (progressNotify) {
                        send(b.build());
                    }
                    progressReached(id, r.revision());
                    return;
                }
                case CANCELED -> {
                    synchronized (WatchStream.this) {
                        hubIds.remove(id);
                    }
                    progressGone(id);
                    b.setCanceled(true);
                    if (r.cancelReason() == CancelReason.COMPACTED) {
                        b.setCompactRevision(r.compactRevision())
                                .setCancelReason(COMPACTED_REASON);
                    } else if (r.cancelReason() != CancelReason.CLIENT) {
                        b.setCancelReason(r.cancelMessage());
                    }
                }
            }
            send(b.build());
        }

        @Override
        public boolean isReady() {
            synchronized (WatchStream.this) {
                return ended || out.isReady();
            }
        }
    }

    /**
     * Answers a progress request of the stream (watch id -1) with a revision R that promises
     * every event up to R of every watch of the stream was sent before it. The current
     * revision cannot promise that: events may still wait in a watch's outbox, or a watch may
     * be catching up from history. So each watch is asked for a progress response of its own,
     * which the hub queues behind the watch's events (and holds until the watch has caught
     * up); the answer goes out once every watch has reported, with the lowest revision. A
     * request while one is pending is answered by the pending one, as etcd merges them.
     */
    private void requestProgress() {
        List<Long> ask = new ArrayList<>();
        synchronized (this) {
            if (ended || progressWaiting != null) {
                return;
            }
            Map<Long, Long> waiting = new HashMap<>();
            for (Map.Entry<Long, Long> w : hubIds.entrySet()) {
                if (w.getValue() >= 0) {
                    waiting.put(w.getKey(), UNKNOWN);
                    ask.add(w.getValue());
                }
            }
            if (!waiting.isEmpty()) {
                progressWaiting = waiting;
            }
        }
        if (ask.isEmpty()) {
            sendProgress(CURRENT);
            return;
        }
        for (long hubId : ask) {
            hub.requestProgress(hubId);
        }
    }

    private void progressReached(long id, long revision) {
        Long lowest;
        synchronized (this) {
            if (progressWaiting == null || !progressWaiting.containsKey(id)) {
                return;
            }
            progressWaiting.put(id, revision);
            lowest = progressComplete();
        }
        sendProgress(lowest);
    }

    private void progressGone(long id) {
        Long lowest;
        synchronized (this) {
            if (progressWaiting == null || progressWaiting.remove(id) == null) {
                return;
            }
            lowest = progressComplete();
        }
        sendProgress(lowest);
    }

    // Caller holds the lock. The lowest revision once every watch reported (and the request
    // is then done; CURRENT when every watch went away meanwhile), else null.
    private Long progressComplete() {
        long lowest = CURRENT;
        for (long revision : progressWaiting.values()) {
            if (revision == UNKNOWN) {
                return null;
            }
            lowest = lowest == CURRENT ? revision : Math.min(lowest, revision);
        }
        progressWaiting = null;
        return lowest;
    }

    private void sendProgress(Long revision) {
        if (revision != null) {
            send(WatchResponse.newBuilder().setHeader(revision == CURRENT ? member.header()
                    : member.header(revision)).setWatchId(NO_WATCH_ID).build());
        }
    }

    /**
     * Sends {@code events} as etcd does for a watcher that asked for fragments: when the
     * response would exceed the request size limit, in several responses of at most that
     * size (but at least one event each), all but the last marked {@code fragment}, which
     * the client joins back into one.
     */
    private void sendFragments(WatchResponse.Builder b, List<Event> events) {
        long whole = b.build().getSerializedSize();
        for (Event e : events) {
            whole += eventBytes(e);
        }
        if (whole <= member.maxRequestBytes) {
            send(b.addAllEvents(events).build());
            return;
        }
        WatchResponse empty = b.build();
        WatchResponse.Builder part = empty.toBuilder();
        long partBytes = empty.getSerializedSize();
        for (Event e : events) {
            long bytes = eventBytes(e);
            if (part.getEventsCount() > 0 && partBytes + bytes > member.maxRequestBytes) {
                send(part.setFragment(true).build());
                part = empty.toBuilder();
                partBytes = empty.getSerializedSize();
            }
            part.addEvents(e);
            partBytes += bytes;
        }
        send(part.build());
    }

    /** An event's size inside a WatchResponse: its tag, length and bytes. */
    private static long eventBytes(Event e) {
        int size = e.getSerializedSize();
        return 1 + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
    }

    private void send(WatchResponse response) {
        synchronized (this) {
            if (ended) {
                return;
            }
            try {
                out.onNext(response);
            } catch (RuntimeException e) {
                LOG.debug("member {}: watch stream closed while sending", member.memberId, e);
                ended = true;
            }
        }
    }

    private void resumeAll() {
        for (long hubId : liveHubIds()) {
            hub.resume(hubId);
        }
    }

    private synchronized List<Long> liveHubIds() {
        List<Long> ids = new ArrayList<>();
        for (long h : hubIds.values()) {
            if (h >= 0) {
                ids.add(h);
            }
        }
        return ids;
    }

    private void cancelAll() {
        List<Long> ids;
        synchronized (this) {
            ended = true;
            ids = liveHubIds();
            hubIds.clear();
        }
        for (long hubId : ids) {
            hub.cancel(hubId);
        }
    }

    @Override
    public void onError(Throwable t) {
        cancelAll();
    }

    @Override
    public void onCompleted() {
        cancelAll();
        synchronized (this) {
            try {
                out.onCompleted();
            } catch (RuntimeException e) {
                LOG.debug("member {}: watch stream already closed", member.memberId, e);
            }
        }
    }
}
