package io.katd.raft.storage;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.Ready;
import io.katd.raft.StorageException;
import io.katd.raft.node.DurableLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Statistics;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable Raft log of one node in a RocksDB instance of its own: entries in the
 * {@code entries} column family as runs, each run the consecutive entries of one persist
 * in a single value under the 8-byte big-endian index of its last entry; the hard state,
 * the first index (with the term before it) and the latest snapshot in the {@code meta}
 * column family. Every entry and every meta value carries a CRC32C (see {@link Codec} for
 * the layout).
 *
 * <p>Why runs: the synced write of a persist waits for the CPU that RocksDB spends on it
 * first, and most of that is per record (a memtable insert each). A run makes a persist
 * of hundreds of entries two records (the run and the hard state) instead of one per
 * entry. Runs are capped in size ({@link #RUN_BYTES_MAX}; a larger persist writes several),
 * so that reading one old entry never decodes megabytes.
 *
 * <p>Each {@link #persist} is one {@code WriteBatch}: the snapshot, the suffix truncation
 * and the new entries, and the hard state are computed once against the in-memory state,
 * written atomically (synced iff the Ready must sync), and only then applied in memory.
 * A truncation that starts inside a run deletes that run with the ones after it and
 * writes the run's head (its entries before the truncation point) again, as a run of its
 * own, in the same batch. Compaction is one batch too ({@code deleteRange} of the runs
 * that end at or before the new offset, and the new first index); a run that straddles
 * the offset stays, and its entries at or below the offset are never read again.
 *
 * <p>Reads never wait for disk on the hot path: every term lookup is answered from
 * {@link TermRuns}, and the newest entries, up to a configurable number of bytes, from
 * {@link TailCache}. Older entries are read from RocksDB and their checksums verified.
 *
 * <p>{@link #open} checks the whole log (see {@link LogLoader}) and fails with a {@link
 * CorruptLogException} when it cannot be trusted.
 *
 * <p>Not thread-safe, like {@link DurableLog} requires: only the node's raft thread uses it.
 */
public final class RocksDurableLog implements DurableLog {
    private static final Logger LOG = LoggerFactory.getLogger(RocksDurableLog.class);

    /** The default bound on the entries kept in memory, in serialized bytes. */
    public static final long DEFAULT_TAIL_CACHE_BYTES = 32L << 20;

    /**
     * The bound on the bytes of one run (framed entries): a persist of more writes several
     * runs. Large enough that a persist of the batches Raft builds under load (a few
     * hundred entries of a few hundred bytes) is one run; small enough that a read of one
     * entry from disk decodes at most about a megabyte.
     */
    static final int RUN_BYTES_MAX = 1 << 20;

    private final RocksHandles rocks;
    private final WriteOptions syncWrite = new WriteOptions().setSync(true);
    private final WriteOptions bufferedWrite = new WriteOptions().setSync(false);
    // Every persist encodes its batch in this one buffer.
    private final BatchEncoder encoder = new BatchEncoder(0);
    private final TermRuns terms;
    private final TailCache cache;
    private final int runBytesMax;
    private HardState hardState;
    private Snapshot snapshot;
    // The index before the first entry. Invariant: offset <= snapshot index <= last index.
    private long offset;
    // Set when a write failed: the disk's state is unknown from then on.
    private IOException failure;
    private boolean closed;

    private RocksDurableLog(RocksHandles rocks, LogLoader.Loaded loaded, int runBytesMax) {
        this.rocks = rocks;
        this.runBytesMax = runBytesMax;
        this.hardState = loaded.hardState();
        this.snapshot = loaded.snapshot();
        this.offset = loaded.offset();
        this.terms = loaded.terms();
        this.cache = loaded.cache();
    }

    /** Opens (or creates) the log in {@code directory}, with the default cache size. */
    public static RocksDurableLog open(Path directory) throws IOException {
        return open(directory, DEFAULT_TAIL_CACHE_BYTES);
    }

    /**
     * Opens (or creates) the log in {@code directory}, keeping up to {@code tailCacheBytes}
     * of the newest entries in memory.
     *
     * @throws CorruptLogException when the stored log cannot be trusted
     * @throws IOException when RocksDB cannot open or read the directory
     */
    public static RocksDurableLog open(Path directory, long tailCacheBytes) throws IOException {
        return open(directory, tailCacheBytes, null);
    }

    /** As {@link #open(Path, long)}, recording RocksDB's statistics, for tests. */
    static RocksDurableLog open(Path directory, long tailCacheBytes, Statistics statistics)
            throws IOException {
        return open(directory, tailCacheBytes, RUN_BYTES_MAX, statistics);
    }

    /**
     * As {@link #open(Path, long)}, writing runs of at most {@code runBytesMax} bytes, for
     * tests that need runs split by the cap without writing megabytes. Reads accept runs
     * of any size, so the cap may change from one open to the next.
     */
    static RocksDurableLog open(Path directory, long tailCacheBytes, int runBytesMax,
            Statistics statistics) throws IOException {
        if (runBytesMax < 1) {
            throw new IllegalArgumentException("run size bound must be >= 1 byte, was "
                    + runBytesMax);
        }
        long startNanos = System.nanoTime();
        RocksHandles rocks = RocksHandles.open(directory, statistics);
        try {
            RocksDurableLog log = new RocksDurableLog(rocks,
                    LogLoader.load(rocks, tailCacheBytes), runBytesMax);
            LOG.info("opened the raft log in {} in {} ms: entries {}..{}, snapshot at {},"
                    + " term {}, vote {}, commit {}; flushes {}", directory,
                    (System.nanoTime() - startNanos) / 1_000_000, log.firstIndex(),
                    log.lastIndex(), log.snapshot.getMetadata().getIndex(),
                    log.hardState.getTerm(), log.hardState.getVote(), log.hardState.getCommit(),
                    rocks.directFlushes() ? "by direct I/O" : "through the page cache");
            return log;
        } catch (IOException | RuntimeException e) {
            try {
                rocks.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The directory of the store. */
    public Path directory() {
        return rocks.directory;
    }

    // ---- writes -----------------------------------------------------------------------

    @Override
    public void persist(Ready ready) throws IOException {
        checkWritable();
        Snapshot snap = ready.snapshot().orElse(null);
        long base = offset;
        long last = lastIndex();
        BatchEncoder batch = encoder;
        batch.reset(batchBytesEstimate(ready));
        if (snap != null) {
            base = snapshotBatch(batch, snap);
            last = base;
        }
        List<Entry> ents = entriesAfter(ready.entries(), base);
        Append append = null;
        if (!ents.isEmpty()) {
            checkAppend(ents, base, snap, last);
            append = appendBatch(batch, ents, last);
            last = ents.get(ents.size() - 1).getIndex();
        }
        if (ready.hardState().isPresent()) {
            HardState hs = ready.hardState().get();
            if (hs.getCommit() > last) {
                throw new IllegalArgumentException("hard state commit " + hs.getCommit()
                        + " is beyond the last index " + last + " after this write");
            }
            batch.put(rocks.metaId, Codec.HARD_STATE_KEY, Codec.seal(hs.toByteArray()));
        }
        try (WriteBatch wb = batch.toWriteBatch()) {
            write(wb, ready.mustSync(), "persisting a Ready");
        }
        if (snap != null) {
            installInMemory(snap);
        }
        if (append != null) {
            appendInMemory(append);
        }
        ready.hardState().ifPresent(hs -> hardState = hs);
    }

    /**
     * About the size of a Ready's batch, so that the buffer grows at most once (the head of
     * a run cut by a truncation is not counted: that is rare).
     */
    private int batchBytesEstimate(Ready ready) {
        // The hard state, the snapshot, and per run its key, header and record framing.
        long bytes = 128 + ready.snapshot().map(Snapshot::getSerializedSize).orElse(0);
        for (Entry e : ready.entries()) {
            bytes += Codec.framedSize(e);
        }
        bytes += 32 * (1 + bytes / runBytesMax);
        return (int) Math.min(bytes, Integer.MAX_VALUE - 8);
    }

    /** Adds the installation of {@code snap} to the batch; returns its index. */
    private long snapshotBatch(BatchEncoder batch, Snapshot snap) {
        SnapshotMetadata md = snap.getMetadata();
        long current = snapshot.getMetadata().getIndex();
        if (md.getIndex() < current) {
            throw new IllegalArgumentException("snapshot at " + md.getIndex()
                    + " is older than the current one at " + current);
        }
        // The snapshot replaces the whole log, like MemoryStorage.applySnapshot: entries
        // after its index may conflict with the leader's log it was taken from.
        if (lastIndex() > offset) {
            batch.deleteRange(rocks.entriesId, Codec.indexKey(offset + 1),
                    Codec.indexKey(lastIndex() + 1));
        }
        batch.put(rocks.metaId, Codec.SNAPSHOT_KEY, Codec.seal(snap.toByteArray()));
        batch.put(rocks.metaId, Codec.FIRST_INDEX_KEY,
                Codec.encodeLongs(md.getIndex() + 1, md.getTerm()));
        return md.getIndex();
    }

    /** The entries after {@code base}: those at or below it are already compacted. */
    private static List<Entry> entriesAfter(List<Entry> ents, long base) {
        if (ents.isEmpty() || ents.get(0).getIndex() > base) {
            return ents;
        }
        long skip = base + 1 - ents.get(0).getIndex();
        return skip >= ents.size() ? List.of() : ents.subList((int) skip, ents.size());
    }

    /** Validates entries about to be appended after {@code base}, on a log ending at last. */
    private void checkAppend(List<Entry> ents, long base, Snapshot snap, long last) {
        long first = ents.get(0).getIndex();
        if (first > last + 1) {
            throw new IllegalArgumentException("missing log entries: last index " + last
                    + ", appended entries start at " + first);
        }
        // A snapshot covers applied, so committed, entries: replacing one is a bug above
        // (Raft never truncates a committed entry), and would orphan the snapshot.
        long snapshotIndex = snap != null ? snap.getMetadata().getIndex()
                : snapshot.getMetadata().getIndex();
        if (first <= snapshotIndex) {
            throw new IllegalArgumentException("entries from index " + first + " would replace"
                    + " entries covered by the snapshot at " + snapshotIndex);
        }
        long previousTerm = first - 1 == base && snap != null
                ? snap.getMetadata().getTerm() : terms.term(first - 1);
        for (Entry e : ents) {
            if (e.getTerm() < previousTerm) {
                throw new IllegalArgumentException("entry " + e.getIndex() + " has term "
                        + e.getTerm() + ", below term " + previousTerm + " of the entry before"
                        + " it: terms never decrease along a log");
            }
            previousTerm = e.getTerm();
        }
    }

    /**
     * What one persist appends, as runs: the head of the stored run that the new entries
     * cut through, if any, written again as runs of its own (ending at {@code keptEnds}),
     * then the new entries (in runs ending at {@code ends}), positions as {@link
     * Codec#runEnds} gives them.
     */
    private record Append(List<Entry> kept, int[] keptEnds, List<Entry> entries, int[] ends) {}

    /** Adds the entries, and the removal of the stored ones they replace, to the batch. */
    private Append appendBatch(BatchEncoder batch, List<Entry> ents, long last)
            throws IOException {
        long first = ents.get(0).getIndex();
        List<Entry> kept = List.of();
        if (first <= last) {
            // The keys [first, last] are the runs that end at or after first: the runs
            // after it, and the run holding it, whose entries before first must stay. The
            // batch applies in order, so the puts below win over this deletion.
            batch.deleteRange(rocks.entriesId, Codec.indexKey(first), Codec.indexKey(last + 1));
            kept = runHeadBefore(first);
        }
        int[] keptEnds = putRuns(batch, kept);
        int[] ends = putRuns(batch, ents);
        return new Append(kept, keptEnds, ents, ends);
    }

    /** Puts {@code ents} into the batch as runs of at most the bound; returns their ends. */
    private int[] putRuns(BatchEncoder batch, List<Entry> ents) {
        int[] ends = Codec.runEnds(ents, runBytesMax);
        int from = 0;
        for (int end : ends) {
            batch.putRun(rocks.entriesId, ents, from, end);
            from = end;
        }
        return ends;
    }

    /**
     * The entries of the stored run holding {@code index} that come before it and after
     * the offset (those at or below the offset are compacted: they are not written again).
     * From the tail cache when the whole run head is there, else read back from disk.
     */
    private List<Entry> runHeadBefore(long index) throws IOException {
        if (cache.contains(index)) {
            long start = cache.runStart(index);
            if (start != TailCache.NOT_CACHED) {
                return cache.range(start, index);
            }
        }
        try (ReadOptions ro = new ReadOptions().setVerifyChecksums(true);
                RocksIterator it = rocks.db.newIterator(rocks.entries, ro)) {
            it.seek(Codec.indexKey(index));
            RunDecoder run = runAt(it, index, false);
            run.skipTo(Math.max(run.firstIndex(), offset + 1));
            List<Entry> head = new ArrayList<>();
            while (run.nextIndex() < index) {
                head.add(run.next());
            }
            return head;
        } catch (RocksDBException e) {
            // Nothing was written: the log's state is still known, so it stays writable.
            throw RocksHandles.failure(rocks.directory, index,
                    "reading the run holding index " + index + " to truncate it", e);
        }
    }

    private void installInMemory(Snapshot snap) {
        SnapshotMetadata md = snap.getMetadata();
        snapshot = snap;
        offset = md.getIndex();
        terms.reset(md.getIndex(), md.getTerm());
        cache.clear();
    }

    private void appendInMemory(Append append) {
        List<Entry> ents = append.entries();
        long first = ents.get(0).getIndex();
        terms.truncateAfter(first - 1);
        cache.truncateFrom(first);
        // The rewritten head of a cut run starts a run now, wherever it started before.
        int from = 0;
        for (int end : append.keptEnds()) {
            cache.markRunStart(append.kept().get(from).getIndex());
            from = end;
        }
        from = 0;
        for (int end : append.ends()) {
            List<Entry> run = ents.subList(from, end);
            for (Entry e : run) {
                terms.append(e.getIndex(), e.getTerm());
            }
            cache.append(run, true);
            from = end;
        }
    }

    @Override
    public Snapshot createSnapshot(long index, ConfState confState, ByteString data)
            throws IOException {
        checkWritable();
        long current = snapshot.getMetadata().getIndex();
        if (index <= current) {
            throw new IllegalArgumentException("snapshot index " + index
                    + " is not above the current snapshot " + current);
        }
        if (index > lastIndex()) {
            throw new IllegalArgumentException(
                    "snapshot index " + index + " is beyond the last index " + lastIndex());
        }
        SnapshotMetadata.Builder md = SnapshotMetadata.newBuilder().setIndex(index)
                .setTerm(term(index));
        if (confState != null) {
            md.setConfState(confState);
        }
        Snapshot snap = Snapshot.newBuilder().setMetadata(md).setData(data).build();
        try (WriteBatch batch = new WriteBatch()) {
            batch.put(rocks.meta, Codec.SNAPSHOT_KEY, Codec.seal(snap.toByteArray()));
            write(batch, true, "recording a snapshot");
        } catch (RocksDBException e) {
            throw fail("building a write batch", e);
        }
        snapshot = snap;
        return snap;
    }

    @Override
    public void compact(long index) throws IOException {
        checkWritable();
        long snapshotIndex = snapshot.getMetadata().getIndex();
        if (index > snapshotIndex) {
            throw new IllegalArgumentException("compact index " + index
                    + " is beyond the latest snapshot's index " + snapshotIndex);
        }
        if (index <= offset) {
            throw new StorageException.Compacted(index, offset + 1);
        }
        long term = terms.term(index);
        try (WriteBatch batch = new WriteBatch()) {
            batch.deleteRange(rocks.entries, Codec.indexKey(offset + 1),
                    Codec.indexKey(index + 1));
            batch.put(rocks.meta, Codec.FIRST_INDEX_KEY, Codec.encodeLongs(index + 1, term));
            write(batch, true, "compacting");
        } catch (RocksDBException e) {
            throw fail("building a write batch", e);
        }
        terms.compactTo(index);
        cache.dropThrough(index);
        offset = index;
    }

    @Override
    public void bootstrap(ConfState confState) throws IOException {
        checkWritable();
        if (!isEmpty()) {
            throw new IllegalStateException("cannot bootstrap a log that is not empty: last index "
                    + lastIndex() + ", hard state " + hardState);
        }
        Snapshot snap = Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder()
                .setIndex(1).setTerm(1).setConfState(confState)).build();
        HardState hs = HardState.newBuilder().setTerm(1).setCommit(1).build();
        persist(new Ready(Optional.empty(), Optional.of(hs), List.of(),
                List.of(), Optional.of(snap), List.of(), List.of(), true));
    }

    private void write(WriteBatch batch, boolean sync, String doing) throws IOException {
        try {
            rocks.db.write(sync ? syncWrite : bufferedWrite, batch);
        } catch (RocksDBException e) {
            throw fail(doing, e);
        }
    }

    /** Records a failed write: the log takes no more writes. */
    private IOException fail(String doing, RocksDBException e) {
        IOException io;
        try {
            io = RocksHandles.failure(rocks.directory, CorruptLogException.NO_INDEX, doing, e);
        } catch (CorruptLogException corrupt) {
            io = new IOException(corrupt.getMessage(), corrupt);
        }
        failure = io;
        return io;
    }

    private void checkWritable() throws IOException {
        if (closed) {
            throw new IOException("the raft log in " + rocks.directory + " is closed");
        }
        if (failure != null) {
            throw new IOException("the raft log in " + rocks.directory
                    + " takes no more writes after a failed one", failure);
        }
    }

    @Override
    public boolean isEmpty() {
        return lastIndex() == 0 && snapshot.getMetadata().getIndex() == 0
                && hardState.equals(HardState.getDefaultInstance());
    }

    /** The hard state as written (not necessarily synced). */
    public HardState hardState() {
        return hardState;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        syncWrite.close();
        bufferedWrite.close();
        rocks.close();
    }

    // ---- reads ------------------------------------------------------------------------

    @Override
    public InitialState initialState() {
        return new InitialState(hardState, snapshot.getMetadata().getConfState());
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxSizeBytes) {
        if (lo <= offset) {
            throw new StorageException.Compacted(lo, offset + 1);
        }
        long last = lastIndex();
        if (hi > last + 1) {
            throw new StorageException.Unavailable(hi - 1, last);
        }
        if (last == offset) {
            throw new StorageException.Unavailable(lo, last);
        }
        if (lo > hi) {
            throw new IllegalArgumentException("entries [" + lo + ", " + hi + ") is not a range");
        }
        List<Entry> out = new ArrayList<>();
        long cacheFirst = cache.isEmpty() ? last + 1 : cache.firstIndex();
        long sizeBytes = 0;
        if (lo < cacheFirst) {
            sizeBytes = readFromDisk(lo, Math.min(hi, cacheFirst), maxSizeBytes, out);
            if (out.size() < Math.min(hi, cacheFirst) - lo) {
                return Collections.unmodifiableList(out);
            }
        }
        for (long i = Math.max(lo, cacheFirst); i < hi; i++) {
            Entry e = cache.get(i);
            if (!out.isEmpty() && sizeBytes + e.getSerializedSize() > maxSizeBytes) {
                break;
            }
            sizeBytes += e.getSerializedSize();
            out.add(e);
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Reads entries {@code [lo, hi)} from RocksDB into {@code out}, within the size limit
     * (but at least one); returns their total size.
     */
    private long readFromDisk(long lo, long hi, long maxSizeBytes, List<Entry> out) {
        if (closed) {
            throw new IllegalStateException("the raft log in " + rocks.directory + " is closed");
        }
        long sizeBytes = 0;
        long index = lo;
        try (ReadOptions ro = new ReadOptions().setVerifyChecksums(true);
                RocksIterator it = rocks.db.newIterator(rocks.entries, ro)) {
            it.seek(Codec.indexKey(lo));
            RunDecoder run = runAt(it, lo, false);
            run.skipTo(lo);
            while (index < hi) {
                if (!run.hasNext()) {
                    it.next();
                    run = runAt(it, index, true);
                }
                Entry e = run.next();
                if (!out.isEmpty() && sizeBytes + e.getSerializedSize() > maxSizeBytes) {
                    break;
                }
                sizeBytes += e.getSerializedSize();
                out.add(e);
                index++;
            }
        } catch (RocksDBException e) {
            throw readFailure(index, e);
        }
        return sizeBytes;
    }

    /**
     * The run at the iterator, which must hold entry {@code index}: after a seek to the
     * index, the first run ending at or after it; after the run before, the next one, which
     * must then start exactly at the index ({@code startsThere}).
     */
    private RunDecoder runAt(RocksIterator it, long index, boolean startsThere)
            throws RocksDBException {
        if (!it.isValid()) {
            it.status();
            throw LogLoader.corrupt(rocks.directory, index, "the entry is missing");
        }
        long key = LogLoader.decodeKey(rocks.directory, index, it.key());
        RunDecoder run = new RunDecoder(rocks.directory, key, it.value());
        if (run.firstIndex() > index) {
            throw LogLoader.corrupt(rocks.directory, index, "the entry is missing; the next"
                    + " stored run holds entries " + run.firstIndex() + ".." + run.lastIndex());
        }
        if (startsThere && run.firstIndex() < index) {
            throw LogLoader.corrupt(rocks.directory, index, "the stored run of entries "
                    + run.firstIndex() + ".." + run.lastIndex() + " overlaps the run before it");
        }
        return run;
    }

    private RuntimeException readFailure(long index, RocksDBException e) {
        try {
            IOException io = RocksHandles.failure(rocks.directory, index,
                    "reading the entry at index " + index, e);
            return new UncheckedIOException(io);
        } catch (CorruptLogException corrupt) {
            return corrupt;
        }
    }

    @Override
    public long term(long index) {
        if (index < offset) {
            throw new StorageException.Compacted(index, offset + 1);
        }
        if (index > lastIndex()) {
            throw new StorageException.Unavailable(index, lastIndex());
        }
        return terms.term(index);
    }

    @Override
    public long lastIndex() {
        return terms.lastIndex();
    }

    @Override
    public long firstIndex() {
        return offset + 1;
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    /** The bytes of entries held in memory, for tests and metrics. */
    long cachedBytes() {
        return cache.sizeBytes();
    }

    /** The RocksDB instance, for tests that damage it on purpose. */
    RocksHandles handles() {
        return rocks;
    }

    /** The first index held in memory, or lastIndex + 1 when none is. */
    long cachedFirstIndex() {
        return cache.isEmpty() ? lastIndex() + 1 : cache.firstIndex();
    }
}
