package io.katd.kv.mvcc;

import com.google.protobuf.ByteString;
import io.katd.proto.etcd.mvccpb.Event;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MVCC key-value engine: etcd's revisioned store over a {@link Backend}. See
 * package-info.java for the model, the error contract and the backend layout.
 *
 * <p>Not thread-safe: the state machine's apply thread owns it. Every write names the Raft
 * index of the entry it applies, and that index is stored in the same backend batch as the
 * write, so {@link #appliedIndex()} after a restart tells exactly where to resume.
 */
public final class MvccStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MvccStore.class);

    /** The revision of an empty store, as in etcd: the first write creates revision 2. */
    public static final long INITIAL_REVISION = 1;

    private final Backend backend;
    private KeyIndex index = new KeyIndex();
    // Invariant: INITIAL_REVISION <= currentRevision; it grows by one per write transaction.
    private long currentRevision = INITIAL_REVISION;
    // Invariant: 0 <= compactRevision <= currentRevision; 0 means never compacted. Reads at
    // revisions >= compactRevision are answered; history below it is gone.
    private long compactRevision;
    // Invariant: everything applied up to this Raft index is in the backend, and nothing after
    // it. Grows with every applied entry; only restore() can move it back.
    private long appliedIndex;
    // The owner's attachment as last written, null if never; see stageAttachment.
    private byte[] attachment;
    // Written with the next batch (write, compaction or markApplied), then cleared.
    private byte[] stagedAttachment;
    // Set once a backend write failed: the node must stop, never retry (STYLE.md, errors).
    private IOException failure;
    private boolean closed;

    private MvccStore(Backend backend) {
        this.backend = backend;
    }

    /**
     * Opens the store kept in {@code backend}, initializing an empty backend, and rebuilds the
     * key index from the revision records. On success the store owns the backend and closes it
     * in {@link #close()}; on failure the caller still does.
     */
    public static MvccStore open(Backend backend) throws IOException {
        MvccStore store = new MvccStore(backend);
        store.load();
        LOG.info("opened MVCC store on {}: revision {}, compacted {}, applied index {}, {} keys",
                backend, store.currentRevision, store.compactRevision, store.appliedIndex,
                store.index.keyCount());
        return store;
    }

    public long currentRevision() {
        requireUsable();
        return currentRevision;
    }

    public long compactRevision() {
        requireUsable();
        return compactRevision;
    }

    /** The Raft index of the last entry applied; 0 before the first. */
    public long appliedIndex() {
        requireUsable();
        return appliedIndex;
    }

    /**
     * The bytes last written through {@link #stageAttachment}, as of {@link #appliedIndex()};
     * empty if none. Restored with snapshots, like the rest of the store.
     */
    public Optional<byte[]> attachment() {
        requireUsable();
        return Optional.ofNullable(attachment).map(byte[]::clone);
    }

    /**
     * Stages opaque bytes of the store's owner (the state machine's replicated state that is
     * not key-values, such as the lease set) to be written in the same atomic batch as the
     * next write, compaction or {@link #markApplied}: so after a crash that state is durable
     * at exactly the applied index the store resumes from. Replaces any staged bytes.
     */
    public void stageAttachment(byte[] bytes) {
        requireUsable();
        stagedAttachment = bytes.clone();
    }

    /**
     * Reads a range at the request's revision (0 for the current one).
     *
     * @throws CompactedException if the revision is below the compacted revision
     * @throws FutureRevisionException if the revision is above the current revision
     */
    public RangeResult range(RangeRequest request) throws IOException {
        requireUsable();
        long at = request.revision() == 0 ? currentRevision : request.revision();
        if (at > currentRevision) {
            throw new FutureRevisionException(at, currentRevision);
        }
        if (at < compactRevision) {
            throw new CompactedException(at, compactRevision);
        }
        return Ranges.read(index, this::readCommitted, request, at, currentRevision);
    }

    /** Applies a put as Raft entry {@code raftIndex}; always creates a new revision. */
    public Applied<PutResult> put(long raftIndex, PutRequest request) throws IOException {
        return write(raftIndex, txn -> txn.put(request));
    }

    /**
     * Applies a delete as Raft entry {@code raftIndex}; creates a new revision only when it
     * deletes at least one key.
     */
    public Applied<DeleteRangeResult> deleteRange(long raftIndex, DeleteRangeRequest request)
            throws IOException {
        return write(raftIndex, txn -> txn.deleteRange(request));
    }

    /**
     * Applies a transaction as Raft entry {@code raftIndex}; creates one new revision when the
     * branch it takes writes anything, none otherwise.
     *
     * @throws CompactedException if a read on the taken branch asks for a compacted revision;
     *     the transaction then has no effect, but the entry counts as applied
     * @throws FutureRevisionException likewise, for a read beyond the current revision
     */
    public Applied<TxnResult> txn(long raftIndex, TxnRequest request) throws IOException {
        return write(raftIndex, txn -> txn.execute(txn.plan(request)));
    }

    @FunctionalInterface
    private interface TxnBody<R> {
        R run(WriteTxn txn) throws IOException;
    }

    private <R> Applied<R> write(long raftIndex, TxnBody<R> body) throws IOException {
        requireUsable();
        checkRaftIndex(raftIndex);
        WriteTxn txn = new WriteTxn(index, backend, currentRevision, compactRevision);
        R result;
        try {
            result = body.run(txn);
        } catch (CompactedException | FutureRevisionException rejected) {
            // Thrown by the plan, before any change: the entry's outcome is this error.
            txn.rollback();
            markApplied(raftIndex);
            throw rejected;
        } catch (IOException | RuntimeException e) {
            txn.rollback();
            throw e;
        }
        try {
            txn.commit(raftIndex, stagedAttachment);
        } catch (IOException | RuntimeException e) {
            txn.rollback();
            recordFailure(e);
            throw e;
        }
        currentRevision = txn.endRevision();
        appliedIndex = raftIndex;
        attachmentWritten();
        checkInvariants();
        return new Applied<>(result, txn.events());
    }

    /**
     * Removes the history below {@code revision}: afterwards reads at {@code revision} and
     * later give the same answers as before, reads below it fail, and the latest value of every
     * key alive at {@code revision} is kept. Applied as Raft entry {@code raftIndex}; creates
     * no revision.
     *
     * @return the current revision
     * @throws CompactedException if {@code revision} is not above the compacted revision; the
     *     entry still counts as applied
     * @throws FutureRevisionException if {@code revision} is above the current revision; the
     *     entry still counts as applied
     */
    public long compact(long raftIndex, long revision) throws IOException {
        requireUsable();
        checkRaftIndex(raftIndex);
        if (revision < 1) {
            throw new IllegalArgumentException("compaction revision must be >= 1: " + revision);
        }
        if (revision <= compactRevision) {
            markApplied(raftIndex);
            throw new CompactedException(revision, compactRevision);
        }
        if (revision > currentRevision) {
            markApplied(raftIndex);
            throw new FutureRevisionException(revision, currentRevision);
        }
        // Planned first and dropped from the index only after the batch is written, so that
        // a failed write leaves the index as it was.
        BackendBatch batch = new BackendBatch();
        Map<ByteString, Integer> drops = new LinkedHashMap<>();
        long removed = 0;
        for (Map.Entry<ByteString, KeyHistory> entry : index.all().entrySet()) {
            int count = entry.getValue().compactablePrefix(revision);
            if (count > 0) {
                drops.put(entry.getKey(), count);
                for (Revision old : entry.getValue().oldest(count)) {
                    batch.delete(Layout.revisionKey(old));
                }
                removed += count;
            }
        }
        batch.put(Layout.COMPACT_REVISION_KEY, Layout.encodeLong(revision));
        batch.put(Layout.APPLIED_INDEX_KEY, Layout.encodeLong(raftIndex));
        writeOrFail(withAttachment(batch));
        attachmentWritten();
        for (Map.Entry<ByteString, Integer> drop : drops.entrySet()) {
            index.get(drop.getKey()).dropOldest(drop.getValue());
            index.removeIfEmpty(drop.getKey());
        }
        compactRevision = revision;
        appliedIndex = raftIndex;
        checkInvariants();
        LOG.debug("compacted at revision {}: removed {} records", revision, removed);
        return currentRevision;
    }

    /**
     * Records that Raft entry {@code raftIndex} was applied without touching the key-values:
     * for entries that are not KV operations (empty entries, membership changes).
     */
    public void markApplied(long raftIndex) throws IOException {
        requireUsable();
        checkRaftIndex(raftIndex);
        writeOrFail(withAttachment(new BackendBatch()
                .put(Layout.APPLIED_INDEX_KEY, Layout.encodeLong(raftIndex))));
        attachmentWritten();
        appliedIndex = raftIndex;
    }

    /**
     * The events of revisions {@code fromRevision} through {@code toRevision} on the keys named
     * by {@code key} and {@code rangeEnd}, in revision order: the history a watcher catches up
     * from. With {@code prevKv}, each event carries the key-value before it, if any.
     *
     * <p>Compaction at revision C keeps only what reads at C need, so the events of C itself
     * may be incomplete: the first revision with complete events is {@code compactRevision()+1}.
     *
     * @throws CompactedException if {@code fromRevision <= compactRevision()}
     * @throws FutureRevisionException if {@code toRevision > currentRevision()}
     */
    public List<Event> events(long fromRevision, long toRevision, ByteString key,
            ByteString rangeEnd, boolean prevKv) throws IOException {
        requireUsable();
        if (fromRevision < 1 || fromRevision > toRevision) {
            throw new IllegalArgumentException("event revisions must satisfy 1 <= from <= to,"
                    + " got from " + fromRevision + " to " + toRevision);
        }
        KeyRange range = KeyRange.of(key, rangeEnd);
        if (fromRevision <= compactRevision) {
            throw new CompactedException(fromRevision, compactRevision);
        }
        if (toRevision > currentRevision) {
            throw new FutureRevisionException(toRevision, currentRevision);
        }
        List<Revision> revisions = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        backend.scan(Layout.firstKeyOfRevision(fromRevision),
                Layout.firstKeyOfRevision(toRevision + 1), (k, v) -> {
                    Revision at = Layout.decodeRevisionKey(k);
                    Event event = Layout.decodeEvent(at, v);
                    if (range.contains(event.getKv().getKey())) {
                        revisions.add(at);
                        events.add(event);
                    }
                    return true;
                });
        if (prevKv) {
            for (int i = 0; i < events.size(); i++) {
                events.set(i, withPrevKv(events.get(i), revisions.get(i)));
            }
        }
        return events;
    }

    private Event withPrevKv(Event event, Revision at) throws IOException {
        KeyHistory history = index.get(event.getKv().getKey());
        if (history == null) {
            throw new IllegalStateException("no history for the key of the event at " + at);
        }
        Revision previous = history.liveBefore(at);
        return previous == null
                ? event
                : event.toBuilder().setPrevKv(readCommitted(previous)).build();
    }

    /**
     * Writes a consistent copy of the whole store, applied index included, into {@code dir},
     * which must not exist: the state machine's snapshot for Raft.
     */
    public void snapshot(Path dir) throws IOException {
        requireUsable();
        backend.checkpoint(dir);
    }

    /**
     * Replaces the whole store with a snapshot that {@link #snapshot} wrote on a store with the
     * same kind of backend. If reloading the restored contents fails, the store closes itself.
     */
    public void restore(Path dir) throws IOException {
        requireUsable();
        backend.restore(dir);
        try {
            load();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("restored MVCC store from {}: revision {}, compacted {}, applied index {}",
                dir, currentRevision, compactRevision, appliedIndex);
    }

    /** Closes the store and its backend; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            backend.close();
        }
    }

    private KeyValue readCommitted(Revision revision) throws IOException {
        return Layout.readKeyValue(backend, revision);
    }

    private void load() throws IOException {
        byte[] format = backend.get(Layout.FORMAT_KEY);
        if (format == null) {
            initialize();
        } else if (Layout.decodeLong(format, "format version") != Layout.FORMAT_VERSION) {
            throw new IOException("unsupported MVCC backend format "
                    + Layout.decodeLong(format, "format version") + ", expected "
                    + Layout.FORMAT_VERSION);
        }
        long current = Layout.decodeLong(backend.get(Layout.CURRENT_REVISION_KEY),
                "current revision");
        long compacted = Layout.decodeLong(backend.get(Layout.COMPACT_REVISION_KEY),
                "compact revision");
        long applied = Layout.decodeLong(backend.get(Layout.APPLIED_INDEX_KEY), "applied index");
        if (current < INITIAL_REVISION || compacted < 0 || compacted > current || applied < 0) {
            throw new IOException("corrupt MVCC backend: current revision " + current
                    + ", compact revision " + compacted + ", applied index " + applied);
        }
        KeyIndex rebuilt = rebuildIndex(current);
        index = rebuilt;
        attachment = backend.get(Layout.ATTACHMENT_KEY);
        stagedAttachment = null;
        currentRevision = current;
        compactRevision = compacted;
        appliedIndex = applied;
        checkInvariants();
    }

    private void initialize() throws IOException {
        boolean[] hasData = {false};
        backend.scan(new byte[0], null, (k, v) -> {
            hasData[0] = true;
            return false;
        });
        if (hasData[0]) {
            throw new IOException("backend " + backend + " holds data but no MVCC format marker");
        }
        backend.write(new BackendBatch()
                .put(Layout.FORMAT_KEY, Layout.encodeLong(Layout.FORMAT_VERSION))
                .put(Layout.CURRENT_REVISION_KEY, Layout.encodeLong(INITIAL_REVISION))
                .put(Layout.COMPACT_REVISION_KEY, Layout.encodeLong(0))
                .put(Layout.APPLIED_INDEX_KEY, Layout.encodeLong(0)));
    }

    private KeyIndex rebuildIndex(long current) throws IOException {
        KeyIndex rebuilt = new KeyIndex();
        backend.scan(Layout.REVISIONS_START, Layout.REVISIONS_END, (k, v) -> {
            Revision at = Layout.decodeRevisionKey(k);
            if (at.main() > current) {
                throw new IOException("corrupt MVCC backend: record at revision " + at
                        + " beyond the current revision " + current);
            }
            Event event = Layout.decodeEvent(at, v);
            try {
                rebuilt.getOrCreate(event.getKv().getKey())
                        .append(at, event.getType() == Event.EventType.DELETE);
            } catch (IllegalStateException e) {
                throw new IOException("corrupt MVCC backend: " + e.getMessage(), e);
            }
            return true;
        });
        return rebuilt;
    }

    private BackendBatch withAttachment(BackendBatch batch) {
        return stagedAttachment == null ? batch : batch.put(Layout.ATTACHMENT_KEY,
                stagedAttachment);
    }

    private void attachmentWritten() {
        if (stagedAttachment != null) {
            attachment = stagedAttachment;
            stagedAttachment = null;
        }
    }

    private void writeOrFail(BackendBatch batch) throws IOException {
        try {
            backend.write(batch);
        } catch (IOException | RuntimeException e) {
            recordFailure(e);
            throw e;
        }
    }

    private void recordFailure(Exception e) {
        failure = e instanceof IOException io ? io : new IOException(e);
        LOG.error("MVCC backend write failed; the store accepts no more operations", e);
    }

    private void checkRaftIndex(long raftIndex) {
        if (raftIndex <= appliedIndex) {
            throw new IllegalArgumentException("raft index " + raftIndex
                    + " is not after the applied index " + appliedIndex);
        }
    }

    private void requireUsable() {
        if (closed) {
            throw new IllegalStateException("MVCC store is closed");
        }
        if (failure != null) {
            throw new IllegalStateException("MVCC store failed on a backend write", failure);
        }
    }

    private void checkInvariants() {
        if (currentRevision < INITIAL_REVISION || compactRevision < 0
                || compactRevision > currentRevision || appliedIndex < 0) {
            throw new IllegalStateException("MVCC invariants broken: current revision "
                    + currentRevision + ", compact revision " + compactRevision
                    + ", applied index " + appliedIndex);
        }
        assert indexInvariantsHold() : "key index invariants broken";
    }

    private boolean indexInvariantsHold() {
        for (KeyHistory history : index.all().values()) {
            List<KeyHistory.Entry> entries = history.entries();
            if (entries.isEmpty() || entries.get(0).tombstone()) {
                return false;
            }
            for (KeyHistory.Entry entry : entries) {
                if (entry.revision().main() > currentRevision) {
                    return false;
                }
            }
        }
        return true;
    }
}
