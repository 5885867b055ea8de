package io.katd.raft;

import io.katd.proto.raft.Message;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The leader's queue of ReadIndex requests awaiting confirmation by a heartbeat quorum.
 * Requests are identified by their context, which must be unique per request.
 */
final class ReadOnly {
    record Status(Message request, long index, Map<Long, Boolean> acks) {}

    private final ReadOnlyOption option;
    private final Map<ByteString, Status> pending = new HashMap<>();
    // The contexts in the order the requests arrived.
    private final List<ByteString> queue = new ArrayList<>();

    ReadOnly(ReadOnlyOption option) {
        this.option = option;
    }

    ReadOnlyOption option() {
        return option;
    }

    /** Queues a request; {@code index} is the commit index when it arrived. */
    void addRequest(long index, Message request) {
        ByteString ctx = request.getEntries(0).getData();
        if (pending.containsKey(ctx)) {
            return;
        }
        pending.put(ctx, new Status(request, index, new HashMap<>()));
        queue.add(ctx);
    }

    /** Records a heartbeat ack carrying {@code ctx}; returns the acks so far, or null. */
    Map<Long, Boolean> recvAck(long id, ByteString ctx) {
        Status s = pending.get(ctx);
        if (s == null) {
            return null;
        }
        s.acks().put(id, true);
        return s.acks();
    }

    /**
     * Confirms the request with {@code ctx} and every request queued before it (a quorum
     * that acknowledged a later heartbeat acknowledged leadership for the earlier reads
     * too), removing them from the queue in order.
     */
    List<Status> advance(ByteString ctx) {
        int found = queue.indexOf(ctx);
        if (found < 0) {
            return List.of();
        }
        List<Status> confirmed = new ArrayList<>(found + 1);
        for (int i = 0; i <= found; i++) {
            ByteString c = queue.get(i);
            Status s = pending.remove(c);
            if (s == null) {
                throw new IllegalStateException("read index queue out of sync at " + c);
            }
            confirmed.add(s);
        }
        queue.subList(0, found + 1).clear();
        return confirmed;
    }

    /** The context of the newest pending request, or null when none is pending. */
    ByteString lastPendingRequestCtx() {
        return queue.isEmpty() ? null : queue.get(queue.size() - 1);
    }

    int pendingCount() {
        return queue.size();
    }
}
