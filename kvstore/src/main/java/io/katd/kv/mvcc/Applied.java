package io.katd.kv.mvcc;

import io.katd.proto.etcd.mvccpb.Event;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one applied write: the operation's result and the events it produced, in the
 * order of their sub revisions. Events always carry {@code prev_kv} when the key existed
 * before, so that watchers that asked for it need not read history; strip it for the others.
 */
public record Applied<R>(R result, List<Event> events) {

    public Applied {
        Objects.requireNonNull(result, "result");
        events = List.copyOf(events);
    }
}
