package io.katd.kv.etcd;

import io.katd.kv.mvcc.KeyRanges;
import io.katd.kv.sm.KvStateMachine;
import io.katd.kv.watch.WatchListener;
import io.katd.kv.watch.WatchRequest;
import io.katd.kv.watch.WatchResponse;
import io.katd.proto.etcd.mvccpb.Event;
import io.katd.proto.member.MemberRecord;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link PeerAddressBook} in step with the member records of this member's applied
 * state: replays the records present at start, then follows the prefix with a watch from
 * the next revision, so no change falls between the two.
 */
public final class PeerAddressFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerAddressFollower.class);

    private final KvStateMachine stateMachine;
    private final PeerAddressBook book;
    private long watchId = -1;

    public PeerAddressFollower(KvStateMachine stateMachine, PeerAddressBook book) {
        this.stateMachine = Objects.requireNonNull(stateMachine, "stateMachine");
        this.book = Objects.requireNonNull(book, "book");
    }

    /** Replays the current records into the book and starts following changes. */
    public synchronized void start() {
        if (watchId >= 0) {
            throw new IllegalStateException("already started");
        }
        long revision = stateMachine.currentRevision();
        for (MemberRecord r : MemberRecords.local(stateMachine)) {
            book.upsert(r.getId(), r.getPeerUrlsList());
        }
        // Records applied after the replay's read are at revisions above the one read; a
        // record already replayed may be applied twice, which upsert tolerates.
        WatchRequest request = WatchRequest.range(MemberRecords.PREFIX,
                KeyRanges.prefixEnd(MemberRecords.PREFIX)).fromRevision(revision + 1);
        watchId = stateMachine.watchHub().watch(request, new Listener());
    }

    private final class Listener implements WatchListener {
        @Override
        public void onResponse(WatchResponse response) {
            if (response.kind() == WatchResponse.Kind.CANCELED) {
                LOG.warn("member records are no longer followed: {}",
                        response.cancelMessage());
                return;
            }
            for (Event e : response.events()) {
                if (e.getType() == Event.EventType.PUT) {
                    MemberRecord r = MemberRecords.parse(e.getKv());
                    book.upsert(r.getId(), r.getPeerUrlsList());
                } else {
                    String key = e.getKv().getKey().toStringUtf8();
                    String hex = key.substring(MemberRecords.PREFIX.size());
                    book.remove(Long.parseUnsignedLong(hex, 16));
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        if (watchId >= 0) {
            stateMachine.watchHub().cancel(watchId);
        }
    }
}
