package io.katd.kv.watch;

import static io.katd.kv.watch.WatchFixture.b;
import static org.assertj.core.api.Assertions.assertThat;

import io.katd.kv.mvcc.PutRequest;
import io.katd.kv.mvcc.TxnRequest;
import io.katd.proto.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The checker proves itself: hand-made streams with one defect each must be rejected, and the
 * right stream accepted. History: revision 2 puts a, 3 puts a again, 4 puts a and b in one
 * transaction, 5 deletes a; compacted at 3.
 */
class WatchStreamCheckerTest {

    private static final long ID = 1;
    private static final WatchRequest FROM_2 = WatchRequest.prefix(b("")).fromRevision(2)
            .withPrevKv();

    private final WatchFixture f = new WatchFixture(WatchConfig.defaults());
    private final WatchStreamChecker checker;

    WatchStreamCheckerTest() {
        f.put("a", "1");
        f.put("a", "2");
        f.txn(new TxnRequest(List.of(), List.of(PutRequest.of(b("a"), b("3")),
                PutRequest.of(b("b"), b("1"))), List.of()));
        f.delete("a");
        f.compact(3);
        checker = f.checker();
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void theRightStreamPasses() {
        List<WatchResponse> stream = stream(events(2), events(3, 4), events(5));

        assertThat(checker.findViolation(FROM_2, stream, true)).isNull();
    }

    @Test
    void aRepeatedRevisionFails() {
        assertViolation(FROM_2, stream(events(2, 3), events(3), events(4, 5)),
                "revision 3 delivered after revision 3");
    }

    @Test
    void aGapFails() {
        assertViolation(FROM_2, stream(events(2), events(4, 5)),
                "gap: revision 3 missing before revision 4");
    }

    @Test
    void aRevisionSplitAcrossResponsesFails() {
        List<Event> four = revision(4);
        List<WatchResponse> stream = stream(events(2, 3),
                WatchResponse.events(ID, 4, four.subList(0, 1)),
                WatchResponse.events(ID, 4, four.subList(1, 2)), events(5));

        assertViolation(FROM_2, stream, "revision 4: delivered");
    }

    @Test
    void revisionsOutOfOrderFail() {
        assertViolation(FROM_2, stream(events(3), events(2), events(4, 5)),
                "gap: revision 2 missing before revision 3");
    }

    @Test
    void prevKvMustBeThereWhenAskedAndAbsentOtherwise() {
        WatchRequest withoutPrevKv = WatchRequest.prefix(b("")).fromRevision(2);

        assertViolation(withoutPrevKv, stream(events(2, 3, 4, 5)), "revision 3: delivered");
        List<Event> stripped = revision(3).stream()
                .map(e -> e.toBuilder().clearPrevKv().build()).toList();
        assertViolation(FROM_2, stream(events(2), WatchResponse.events(ID, 3, stripped),
                events(4, 5)), "revision 3: delivered");
    }

    @Test
    void anEventTheFilterDropsFails() {
        WatchRequest noPut = FROM_2.withoutPuts();

        assertViolation(noPut, stream(events(2), events(5)),
                "revision 2 delivered but it has no events for this watch");
    }

    @Test
    void progressBeforeTheEventsItCoversFails() {
        assertViolation(FROM_2, stream(events(2), WatchResponse.progress(ID, 3), events(3, 4, 5)),
                "progress at revision 3 before revision 3 was delivered");
    }

    @Test
    void aMissingTailFailsOnceSettledOnly() {
        List<WatchResponse> stream = stream(events(2, 3));

        assertViolation(FROM_2, stream, "missing revision 4");
        assertThat(checker.findViolation(FROM_2, stream, false)).isNull();
    }

    @Test
    void aCompactedCancelMustBeJustified() {
        List<WatchResponse> needless = stream(events(2, 3),
                WatchResponse.canceled(ID, 5, CancelReason.COMPACTED, 3));
        List<WatchResponse> justified = stream(events(2),
                WatchResponse.canceled(ID, 5, CancelReason.COMPACTED, 3));
        List<WatchResponse> noSuchCompaction = stream(events(2),
                WatchResponse.canceled(ID, 5, CancelReason.COMPACTED, 4));

        assertViolation(FROM_2, needless, "needed revision 4, which is available");
        assertThat(checker.findViolation(FROM_2, justified, true)).isNull();
        assertViolation(FROM_2, noSuchCompaction, "where no compaction happened");
    }

    @Test
    void theStreamMustStartWithCreatedAndEndAtCanceled() {
        List<WatchResponse> afterCancel = stream(events(2),
                WatchResponse.canceled(ID, 5, CancelReason.CLIENT, 0), events(3));

        assertViolation(FROM_2, afterCancel, "responses after CANCELED");
        assertViolation(FROM_2, List.of(events(2)), "stream starts with EVENTS");
        assertViolation(FROM_2, List.of(), "not even CREATED");
    }

    private void assertViolation(WatchRequest request, List<WatchResponse> stream,
            String expected) {
        assertThat(checker.findViolation(request, stream, true)).contains(expected);
    }

    private static List<WatchResponse> stream(WatchResponse... responses) {
        List<WatchResponse> stream = new ArrayList<>();
        stream.add(WatchResponse.created(ID, 1));
        stream.addAll(List.of(responses));
        return stream;
    }

    private WatchResponse events(long... revisions) {
        List<Event> events = new ArrayList<>();
        for (long revision : revisions) {
            events.addAll(revision(revision));
        }
        return WatchResponse.events(ID, 5, events);
    }

    private List<Event> revision(long revision) {
        return f.truth.revisions().get(revision);
    }
}
