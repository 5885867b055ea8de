package io.katd.kv.watch;

import static io.katd.kv.watch.WatchFixture.b;

import io.katd.kv.mvcc.Compare;
import io.katd.kv.mvcc.DeleteRangeRequest;
import io.katd.kv.mvcc.PutRequest;
import io.katd.kv.mvcc.TxnOp;
import io.katd.kv.mvcc.TxnRequest;
import io.katd.kv.watch.WatchFixture.Watched;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of one run of {@link WatchProperties}: a fixture driven by random steps. The
 * steps choose among the run's current watches and revisions with selectors (any int), so
 * that every generated step applies to whatever state the run is in.
 */
final class WatchRun {

    /** A write of a transaction: a put of a key, or a delete of a key or a prefix. */
    record WriteSpec(String key, boolean delete, boolean prefix, int value) {

        TxnOp op() {
            if (!delete) {
                return PutRequest.of(b(key), b("v" + value));
            }
            return prefix ? DeleteRangeRequest.prefix(b(key)) : DeleteRangeRequest.single(b(key));
        }
    }

    /**
     * A watch to start. {@code startMode}: 0 from now, 1 from a past revision (perhaps
     * compacted), 2 from a future one, 3 from revision 1.
     */
    record WatchSpec(WatchRequest range, int startMode, int startSelector, boolean prevKv,
            boolean noPut, boolean noDelete, boolean progressNotify, boolean slow) {
    }

    final WatchConfig config;
    final WatchFixture f;
    final List<String> outcomes = new ArrayList<>();

    WatchRun(WatchConfig config) {
        this.config = config;
        this.f = new WatchFixture(config);
    }

    void write(WriteSpec write) {
        TxnOp op = write.op();
        if (op instanceof PutRequest put) {
            f.put(put.key().toStringUtf8(), put.value().toStringUtf8());
        } else {
            f.deleteRange((DeleteRangeRequest) op);
        }
    }

    /** A transaction on a key that takes its success branch if the key does not exist. */
    void txn(String guard, List<WriteSpec> success, List<WriteSpec> failure) {
        f.txn(new TxnRequest(List.of(Compare.version(b(guard), Compare.Result.EQUAL, 0)),
                success.stream().map(WriteSpec::op).toList(),
                failure.stream().map(WriteSpec::op).toList()));
    }

    void watch(WatchSpec spec) {
        long current = f.store.currentRevision();
        long start = switch (spec.startMode()) {
            case 0 -> 0;
            case 1 -> current - Math.floorMod(spec.startSelector(), current);
            case 2 -> current + 1 + Math.floorMod(spec.startSelector(), 3);
            case 3 -> 1;
            default -> throw new AssertionError(spec);
        };
        WatchRequest request = spec.range().fromRevision(start);
        request = spec.prevKv() ? request.withPrevKv() : request;
        request = spec.noPut() ? request.withoutPuts() : request;
        request = spec.noDelete() ? request.withoutDeletes() : request;
        request = spec.progressNotify() ? request.withProgressNotify() : request;
        Watched watched = f.watch(request);
        watched.listener().setReady(!spec.slow());
    }

    void compact(int selector) {
        long current = f.store.currentRevision();
        long compacted = f.store.compactRevision();
        if (current > compacted) {
            f.compact(compacted + 1 + Math.floorMod(selector, current - compacted));
        }
    }

    void toggleReady(int selector) {
        if (f.watches.isEmpty()) {
            return;
        }
        Watched w = f.watches.get(Math.floorMod(selector, f.watches.size()));
        boolean ready = !w.listener().isReady();
        w.listener().setReady(ready);
        if (ready) {
            f.hub.resume(w.id());
        }
    }

    void cancel(int selector) {
        if (!f.watches.isEmpty()) {
            f.hub.cancel(f.watches.get(Math.floorMod(selector, f.watches.size())).id());
        }
    }

    /**
     * Lets every listener drain, runs everything to rest, and checks every stream as settled:
     * complete up to the current revision unless it was cancelled, a correct prefix if it was.
     */
    void settleAndCheck() {
        for (Watched w : f.watches) {
            w.listener().setReady(true);
            f.hub.resume(w.id());
        }
        f.settle();
        f.checkAll();
        for (Watched w : f.watches) {
            outcomes.add(w.listener().canceled()
                    ? "cancelled " + w.listener().last().cancelReason() : "live");
        }
        WatchHub.Stats stats = f.hub.stats();
        outcomes.add(stats.overflows() > 0 ? "overflowed" : "no overflow");
        outcomes.add(stats.caughtUp() > 0 ? "caught up" : "no catch-up");
        if (f.watches.stream().anyMatch(w -> !w.listener().ofKind(WatchResponse.Kind.PROGRESS)
                .isEmpty())) {
            outcomes.add("progress");
        }
    }

    void close() {
        f.close();
    }

    @Override
    public String toString() {
        return "watch run with " + config;
    }
}
