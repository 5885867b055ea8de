package io.katd.raft.storage;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Statistics;
import org.rocksdb.Status;
import org.rocksdb.WALRecoveryMode;

/**
 * The log's RocksDB instance, its column families and the native options they hold, which
 * must be closed together, in order.
 *
 * <p>Recovery policy. Every write of the log is one {@code WriteBatch}, which RocksDB
 * writes to its write-ahead log as one record (split into fragments that are only replayed
 * together) before applying it to the memtables; replay after a crash applies a batch
 * whole or not at all, so a Ready is never half-persisted. A crash (kill -9 or power loss)
 * can leave the last WAL record incomplete only if that write had not finished, and then
 * its sync had not returned either: the write was never acknowledged. The recovery mode
 * {@code kTolerateCorruptedTailRecords} drops exactly such an incomplete trailing record and
 * fails the open on anything else, in particular on a complete record whose checksum does
 * not match, anywhere in the WAL. Its blind spot: a bit flip in the length field of the
 * very last record can make it look incomplete, and that record is dropped. The default
 * mode ({@code kPointInTimeRecovery}) would be worse: it silently stops replay at the first
 * bad record, losing every acknowledged batch after it; {@code kAbsoluteConsistency} would
 * refuse to open after a crash that merely cut the last, unacknowledged, write short.
 */
final class RocksHandles implements AutoCloseable {
    // Bounds the WAL: with several column families RocksDB keeps a WAL file until every
    // family with data in it has been flushed, and the small meta family rarely fills its
    // memtable; past this size RocksDB flushes it to let old WAL files go.
    private static final long WAL_BYTES_MAX = 64L << 20;
    // Flushes and compactions write their files out a megabyte at a time instead of in one
    // burst at the end, which would stall the WAL syncs that acknowledge appends.
    private static final long BACKGROUND_BYTES_PER_SYNC = 1L << 20;

    final Path directory;
    final RocksDB db;
    final ColumnFamilyHandle entries;
    final ColumnFamilyHandle meta;
    final int entriesId;
    final int metaId;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final ColumnFamilyOptions entriesOptions;
    private final List<ColumnFamilyHandle> handles;

    private RocksHandles(Path directory, RocksDB db, List<ColumnFamilyHandle> handles,
            DBOptions dbOptions, ColumnFamilyOptions cfOptions,
            ColumnFamilyOptions entriesOptions) {
        this.directory = directory;
        this.db = db;
        this.handles = handles;
        this.entries = handles.get(1);
        this.meta = handles.get(2);
        this.entriesId = entries.getID();
        this.metaId = meta.getID();
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.entriesOptions = entriesOptions;
    }

    static RocksHandles open(Path directory) throws IOException {
        return open(directory, null);
    }

    /** Opens the store, recording RocksDB's statistics into {@code statistics} if given. */
    static RocksHandles open(Path directory, Statistics statistics) throws IOException {
        RocksDB.loadLibrary();
        Files.createDirectories(directory);
        // An existing store must have our column families; creating them would hide that
        // the directory holds something else, or lost its files.
        boolean exists = Files.exists(directory.resolve("CURRENT"));
        DBOptions dbOptions = new DBOptions()
                .setCreateIfMissing(!exists)
                .setCreateMissingColumnFamilies(!exists)
                .setWalRecoveryMode(WALRecoveryMode.TolerateCorruptedTailRecords)
                .setParanoidChecks(true)
                .setMaxTotalWalSize(WAL_BYTES_MAX)
                .setBytesPerSync(BACKGROUND_BYTES_PER_SYNC)
                .setUseDirectIoForFlushAndCompaction(supportsDirectIo(directory))
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2);
        if (statistics != null) {
            dbOptions.setStatistics(statistics);
        }
        ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
        // Entries are not compressed in the files RocksDB flushes them to: they live until
        // the next compaction of the log (by default a few snapshots later), most of them
        // are never read from those files, and the flush thread that would compress them
        // shares the machine's CPUs with the thread whose synced writes wait for CPU. The
        // price is disk space for that short-lived tail. (The WAL is not compressed either
        // way.)
        ColumnFamilyOptions entriesOptions = new ColumnFamilyOptions()
                .setCompressionType(CompressionType.NO_COMPRESSION);
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
                new ColumnFamilyDescriptor(Codec.ENTRIES_CF, entriesOptions),
                new ColumnFamilyDescriptor(Codec.META_CF, cfOptions));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
            return new RocksHandles(directory, db, handles, dbOptions, cfOptions,
                    entriesOptions);
        } catch (RocksDBException e) {
            entriesOptions.close();
            cfOptions.close();
            dbOptions.close();
            throw failure(directory, CorruptLogException.NO_INDEX, "opening RocksDB", e);
        }
    }

    /** Whether flushes and compactions write around the page cache. */
    boolean directFlushes() {
        return dbOptions.useDirectIoForFlushAndCompaction();
    }

    /**
     * Whether files in the directory can be opened for direct I/O. Flushes and compactions
     * then write their files around the page cache: a growing log writes every entry twice
     * (to the WAL, then in the file its memtable is flushed to), and through the page cache
     * that second copy costs the kernel's copying, dirty-page write-back and cache pressure,
     * which the WAL syncs that acknowledge appends wait behind. Some file systems refuse
     * O_DIRECT (tmpfs before Linux 6.6, some FUSE file systems); there RocksDB would fail
     * its flushes, so they keep the page cache.
     */
    static boolean supportsDirectIo(Path directory) throws IOException {
        Path probe = Files.createTempFile(directory, ".direct-io-probe", "");
        try (FileChannel ignored = FileChannel.open(probe, StandardOpenOption.WRITE,
                ExtendedOpenOption.DIRECT)) {
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /**
     * What a RocksDB error means for the log: corruption is a {@link CorruptLogException}
     * (thrown here), anything else an I/O failure (returned, for the caller to throw).
     */
    static IOException failure(Path directory, long index, String doing, RocksDBException e) {
        Status s = e.getStatus();
        if (s != null && s.getCode() == Status.Code.Corruption) {
            throw new CorruptLogException(directory, index,
                    "RocksDB found corruption while " + doing + ": " + e.getMessage(), e);
        }
        return new IOException("raft log in " + directory + ": " + doing + " failed: "
                + e.getMessage(), e);
    }

    @Override
    public void close() throws IOException {
        try {
            for (ColumnFamilyHandle h : handles) {
                h.close();
            }
            db.closeE();
        } catch (RocksDBException e) {
            throw new IOException("closing the raft log in " + directory + " failed", e);
        } finally {
            entriesOptions.close();
            cfOptions.close();
            dbOptions.close();
        }
    }
}
