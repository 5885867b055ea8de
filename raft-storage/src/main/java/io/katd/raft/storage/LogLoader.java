package io.katd.raft.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Reads a log back at open and checks it whole: every run's header against its key, every
 * entry's checksum and index, that the runs tile the log from the first index on (no gap,
 * no overlap, nothing left below the first index but the compacted head of the first
 * run), that the terms never decrease, and that the hard state and the snapshot agree
 * with the entries. The scan reads every entry once; compaction bounds the log, so it
 * bounds the scan too.
 */
final class LogLoader {

    /** The log as found on disk, ready to serve. */
    record Loaded(HardState hardState, Snapshot snapshot, long offset, TermRuns terms,
            TailCache cache) {}

    private record Meta(HardState hardState, Snapshot snapshot, long offset,
            long offsetTerm) {}

    private LogLoader() {}

    static Loaded load(RocksHandles h, long cacheBytesMax) throws IOException {
        Meta meta = readMeta(h);
        TermRuns terms = new TermRuns(meta.offset(), meta.offsetTerm());
        TailCache cache = new TailCache(cacheBytesMax);
        scanRuns(h, meta, terms, cache);
        checkAgreement(h.directory, meta, terms);
        return new Loaded(meta.hardState(), meta.snapshot(), meta.offset(), terms, cache);
    }

    private static Meta readMeta(RocksHandles h) throws IOException {
        byte[] format = get(h, Codec.FORMAT_KEY);
        byte[] hs = get(h, Codec.HARD_STATE_KEY);
        byte[] first = get(h, Codec.FIRST_INDEX_KEY);
        byte[] snap = get(h, Codec.SNAPSHOT_KEY);
        if (format == null) {
            if (hs != null || first != null || snap != null || hasEntries(h)) {
                throw corrupt(h.directory, CorruptLogException.NO_INDEX,
                        "the store holds data but no format key");
            }
            writeFormat(h);
        } else {
            long version = decodeLongs(h.directory, Codec.FORMAT_KEY, format, 1)[0];
            if (version != Codec.FORMAT_VERSION) {
                throw new IOException("raft log in " + h.directory + " has format version "
                        + version + "; this build reads version " + Codec.FORMAT_VERSION);
            }
        }
        if ((first == null) != (snap == null)) {
            throw corrupt(h.directory, CorruptLogException.NO_INDEX, "the store has "
                    + (first == null ? "a snapshot but no first index"
                            : "a first index but no snapshot"));
        }
        long offset = 0;
        long offsetTerm = 0;
        if (first != null) {
            long[] v = decodeLongs(h.directory, Codec.FIRST_INDEX_KEY, first, 2);
            offset = v[0] - 1;
            offsetTerm = v[1];
        }
        HardState hardState = hs == null ? HardState.getDefaultInstance()
                : parse(h.directory, Codec.HARD_STATE_KEY, hs, HardState::parseFrom);
        Snapshot snapshot = snap == null ? emptySnapshot()
                : parse(h.directory, Codec.SNAPSHOT_KEY, snap, Snapshot::parseFrom);
        return new Meta(hardState, snapshot, offset, offsetTerm);
    }

    /** The snapshot of a log that never had one, as the in-memory log represents it. */
    static Snapshot emptySnapshot() {
        return Snapshot.newBuilder().setMetadata(SnapshotMetadata.getDefaultInstance()).build();
    }

    private static void scanRuns(RocksHandles h, Meta meta, TermRuns terms, TailCache cache)
            throws IOException {
        Path dir = h.directory;
        long offset = meta.offset();
        long expected = offset + 1;
        try (ReadOptions ro = new ReadOptions().setVerifyChecksums(true).setFillCache(false);
                RocksIterator it = h.db.newIterator(h.entries, ro)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                RunDecoder run = new RunDecoder(dir, decodeKey(dir, expected, it.key()),
                        it.value());
                checkPlace(dir, run, expected, expected == offset + 1);
                if (run.firstIndex() <= offset) {
                    checkCompactedHead(dir, run, offset, meta.offsetTerm());
                }
                boolean startsRun = run.firstIndex() > offset;
                while (run.hasNext()) {
                    long index = run.nextIndex();
                    Entry e = run.next();
                    if (e.getTerm() < terms.lastTerm()) {
                        throw corrupt(dir, index, "term " + e.getTerm() + " is below term "
                                + terms.lastTerm() + " of the entry before it");
                    }
                    terms.append(index, e.getTerm());
                    cache.append(List.of(e), startsRun);
                    startsRun = false;
                }
                expected = run.lastIndex() + 1;
            }
            it.status();
        } catch (RocksDBException e) {
            throw RocksHandles.failure(dir, expected,
                    "reading the run holding index " + expected + " or a later one", e);
        }
    }

    /**
     * The runs must tile the log: the first one holds the first index (it may start
     * before it, when compaction cut through it), and each next one starts right after the
     * one before.
     */
    private static void checkPlace(Path dir, RunDecoder run, long expected, boolean first) {
        long from = run.firstIndex();
        long to = run.lastIndex();
        if (from > expected) {
            throw corrupt(dir, expected, "entries " + expected + ".." + (from - 1)
                    + " are missing: the next stored run holds entries " + from + ".." + to);
        }
        if (first && to < expected) {
            throw corrupt(dir, to, "found entries " + from + ".." + to
                    + " below the first index " + expected);
        }
        if (!first && from < expected) {
            throw corrupt(dir, from, "the stored run of entries " + from + ".." + to
                    + " overlaps the run before it, which ends at " + (expected - 1));
        }
    }

    /**
     * Decodes the entries of the first run at or below the offset, which compaction left
     * in place: they are never served, but they are checked like the others, and the entry
     * at the offset must have the term the first index record gives it.
     */
    private static void checkCompactedHead(Path dir, RunDecoder run, long offset,
            long offsetTerm) {
        long term = 0;
        while (run.nextIndex() <= offset) {
            long index = run.nextIndex();
            Entry e = run.next();
            if (e.getTerm() < term) {
                throw corrupt(dir, index, "term " + e.getTerm() + " is below term " + term
                        + " of the entry before it");
            }
            term = e.getTerm();
        }
        if (term != offsetTerm) {
            throw corrupt(dir, offset, "the compacted entry at the offset has term " + term
                    + ", the first index record says " + offsetTerm);
        }
    }

    private static void checkAgreement(Path dir, Meta meta, TermRuns terms) {
        long last = terms.lastIndex();
        long commit = meta.hardState().getCommit();
        if (commit > last) {
            throw corrupt(dir, commit, "the hard state's commit index " + commit
                    + " is beyond the last index " + last);
        }
        SnapshotMetadata md = meta.snapshot().getMetadata();
        if (md.getIndex() > last) {
            throw corrupt(dir, md.getIndex(), "the snapshot's index " + md.getIndex()
                    + " is beyond the last index " + last);
        }
        if (md.getIndex() < meta.offset()) {
            throw corrupt(dir, md.getIndex(), "the snapshot's index " + md.getIndex()
                    + " is below the first index " + (meta.offset() + 1) + " - 1: entries it"
                    + " does not cover were compacted");
        }
        long term = terms.term(md.getIndex());
        if (term != md.getTerm()) {
            throw corrupt(dir, md.getIndex(), "the snapshot's term " + md.getTerm()
                    + " differs from the log's term " + term + " at its index");
        }
    }

    static long decodeKey(Path dir, long expected, byte[] key) {
        try {
            return Codec.indexOf(key);
        } catch (Codec.BadValueException e) {
            throw corrupt(dir, expected, e.getMessage());
        }
    }

    private static boolean hasEntries(RocksHandles h) {
        try (RocksIterator it = h.db.newIterator(h.entries)) {
            it.seekToFirst();
            return it.isValid();
        }
    }

    private static void writeFormat(RocksHandles h) throws IOException {
        try (WriteBatch batch = new WriteBatch(); WriteOptions sync = new WriteOptions()) {
            batch.put(h.meta, Codec.FORMAT_KEY, Codec.encodeLongs(Codec.FORMAT_VERSION));
            h.db.write(sync.setSync(true), batch);
        } catch (RocksDBException e) {
            throw RocksHandles.failure(h.directory, CorruptLogException.NO_INDEX,
                    "writing the format key", e);
        }
    }

    private static byte[] get(RocksHandles h, byte[] key) throws IOException {
        try {
            return h.db.get(h.meta, key);
        } catch (RocksDBException e) {
            throw RocksHandles.failure(h.directory, CorruptLogException.NO_INDEX,
                    "reading meta key " + Codec.name(key), e);
        }
    }

    private static long[] decodeLongs(Path dir, byte[] key, byte[] value, int count) {
        try {
            return Codec.decodeLongs(value, count);
        } catch (Codec.BadValueException e) {
            throw corrupt(dir, CorruptLogException.NO_INDEX,
                    "meta key " + Codec.name(key) + ": " + e.getMessage());
        }
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(byte[] bytes) throws InvalidProtocolBufferException;
    }

    private static <T> T parse(Path dir, byte[] key, byte[] value, Parser<T> parser) {
        try {
            return parser.parse(Codec.unseal(value));
        } catch (Codec.BadValueException | InvalidProtocolBufferException e) {
            throw new CorruptLogException(dir, CorruptLogException.NO_INDEX,
                    "meta key " + Codec.name(key) + ": " + e.getMessage(), e);
        }
    }

    static CorruptLogException corrupt(Path dir, long index, String problem) {
        return new CorruptLogException(dir, index, problem, null);
    }
}
