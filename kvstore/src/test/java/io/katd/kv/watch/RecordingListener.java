package io.katd.kv.watch;

import java.util.ArrayList;
import java.util.List;

/** Records a watch's responses; can play a listener that is not ready or that throws. */
final class RecordingListener implements WatchListener {

    final List<WatchResponse> responses = new ArrayList<>();
    private boolean ready = true;
    private boolean failing;

    @Override
    public void onResponse(WatchResponse response) {
        if (failing) {
            throw new IllegalStateException("listener failure planted by the test");
        }
        responses.add(response);
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    void setReady(boolean ready) {
        this.ready = ready;
    }

    void failFromNowOn() {
        failing = true;
    }

    WatchResponse last() {
        return responses.get(responses.size() - 1);
    }

    List<WatchResponse> ofKind(WatchResponse.Kind kind) {
        return responses.stream().filter(r -> r.kind() == kind).toList();
    }

    /** The revisions of every delivered event, in delivery order. */
    List<Long> eventRevisions() {
        return responses.stream().flatMap(r -> r.events().stream())
                .map(e -> e.getKv().getModRevision()).toList();
    }

    boolean canceled() {
        return !responses.isEmpty() && last().kind() == WatchResponse.Kind.CANCELED;
    }
}
