package io.katd.raft.storage.bench;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.raft.Ready;
import io.katd.raft.storage.RocksDurableLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Synced append throughput of {@link RocksDurableLog} for batches of 1, 16 and 256 entries
 * of 256 bytes, one Ready (one synced WriteBatch) per batch, next to the raw bound of the
 * same disk: a FileChannel that appends, per batch, as many bytes as the log's write-ahead
 * log grows by (measured on a scratch log first) and forces them (fdatasync, as RocksDB's
 * synced WAL write does). Both sides append to a growing file, so each sync also writes
 * the file's new size, as it must for any appending log. A last case
 * repeats batches of 256 on a log that is snapshotted and compacted as a node does by
 * default. Then the time to open a log of 100,000 entries, whose open scan reads and
 * checks every entry.
 *
 * <p>Only the writes are timed, not the building of the entries (the protocol's work).
 * The disk may be shared with other work whose load comes and goes, so the log and the
 * raw loop take turns in one-second slices and each sees the same conditions; their ratio
 * is computed from the sums of their slices.
 *
 * <p>Usage: {@code StorageBenchmark [--seconds S] [--rounds R] [--dir DIR]}: each case runs
 * S seconds of log slices and S seconds of raw slices after a warm-up, R rounds; each round
 * is printed, then the median and the range over the rounds.
 */
final class StorageBenchmark {
    private static final int ENTRY_DATA_BYTES = 256;
    /** A batch size, and whether the log is compacted as it grows. */
    private record Case(String name, int batch, boolean compact) {}

    private static final Case[] CASES = {
        new Case("1", 1, false),
        new Case("16", 16, false),
        new Case("256", 256, false),
        new Case("256, compacted", 256, true),
    };
    private static final long SLICE_NANOS = 1_000_000_000L;
    private static final int OPEN_ENTRIES = 100_000;
    private static final long SNAPSHOT_EVERY = 10_000;
    private static final long SNAPSHOT_KEEP = 5_000;
    private static final ConfState VOTERS = ConfState.newBuilder().addVoters(1).build();
    private static final ByteString DATA = ByteString.copyFrom(new byte[ENTRY_DATA_BYTES]);

    private StorageBenchmark() {}

    /** One measured run: batches synced and bytes written per second. */
    private record Rate(double syncsPerSecond, double entriesPerSecond, double bytesPerSecond) {}

    /** A log and a raw file measured in turns. */
    private record Pair(Rate log, Rate raw) {
        double ratio() {
            return log.bytesPerSecond() / raw.bytesPerSecond();
        }
    }

    public static void main(String[] args) throws IOException {
        double seconds = 4;
        int rounds = 5;
        Path dir = null;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path base = dir != null ? Files.createDirectories(dir)
                : Files.createTempDirectory(Path.of("target"), "bench-storage-");
        long runNanos = (long) (seconds * 1e9);
        System.out.printf("directory %s, %.1f s per case and side, %d rounds%n",
                base.toAbsolutePath(), seconds, rounds);
        List<List<Pair>> results = new ArrayList<>();
        for (int c = 0; c < CASES.length; c++) {
            results.add(new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            for (int c = 0; c < CASES.length; c++) {
                Case k = CASES[c];
                Pair p = measure(base.resolve("case-" + round + "-" + c), k.batch(), runNanos,
                        k.compact());
                System.out.printf(Locale.ROOT, "round %d, %s: log %.2f MB/s, raw %.2f MB/s,"
                        + " %.0f%%%n", round, k.name(), p.log().bytesPerSecond() / 1e6,
                        p.raw().bytesPerSecond() / 1e6, 100 * p.ratio());
                results.get(c).add(p);
            }
        }
        printTable(results);
        measureOpen(base.resolve("open"), rounds);
        deleteRecursively(base);
    }

    private static List<Entry> batch(long first, int size) {
        List<Entry> ents = new ArrayList<>(size);
        for (long i = first; i < first + size; i++) {
            ents.add(Entry.newBuilder().setTerm(1).setIndex(i).setData(DATA).build());
        }
        return ents;
    }

    private static Ready ready(List<Entry> ents, boolean sync) {
        long last = ents.get(ents.size() - 1).getIndex();
        HardState hs = HardState.newBuilder().setTerm(1).setCommit(last).build();
        return new Ready(Optional.empty(), Optional.of(hs), List.of(), ents, Optional.empty(),
                List.of(), List.of(), sync);
    }

    /**
     * Measures the log against the raw file in turns. Only the writes are timed: building
     * the entries is the protocol's work, not the storage's. With {@code compact}, the log
     * is snapshotted and compacted as a node does by default (every 10,000 entries,
     * keeping 5,000), inside the timed part.
     */
    private static Pair measure(Path dir, int batchSize, long runNanos, boolean compact)
            throws IOException {
        long bytesPerBatch = batchBytes(batchSize);
        ByteBuffer bytes = ByteBuffer.allocateDirect((int) walBytesPerBatch(
                dir.resolve("wal-size"), batchSize));
        Files.createDirectories(dir);
        try (RocksDurableLog log = RocksDurableLog.open(dir.resolve("log"));
                FileChannel ch = FileChannel.open(dir.resolve("raw.log"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND)) {
            log.bootstrap(VOTERS);
            Appender logAppend = () -> {
                long first = log.lastIndex() + 1;
                Ready rd = ready(batch(first, batchSize), true);
                long start = System.nanoTime();
                log.persist(rd);
                long snapshotIndex = log.snapshot().getMetadata().getIndex();
                if (compact && log.lastIndex() - snapshotIndex >= SNAPSHOT_EVERY) {
                    log.createSnapshot(log.lastIndex(), VOTERS, ByteString.EMPTY);
                    log.compact(log.lastIndex() - SNAPSHOT_KEEP);
                }
                return System.nanoTime() - start;
            };
            Appender rawAppend = () -> {
                long start = System.nanoTime();
                bytes.clear();
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(false);
                return System.nanoTime() - start;
            };
            runFor(SLICE_NANOS, logAppend);
            runFor(SLICE_NANOS, rawAppend);
            long[] logTotal = new long[2];
            long[] rawTotal = new long[2];
            while (logTotal[1] < runNanos || rawTotal[1] < runNanos) {
                add(logTotal, runFor(SLICE_NANOS, logAppend));
                add(rawTotal, runFor(SLICE_NANOS, rawAppend));
            }
            return new Pair(rate(logTotal, batchSize, bytesPerBatch),
                    rate(rawTotal, batchSize, bytesPerBatch));
        }
    }

    private static void add(long[] total, long[] run) {
        total[0] += run[0];
        total[1] += run[1];
    }

    /**
     * The bytes the log's write-ahead log grows by per batch (the entries with their keys
     * and checksums, the hard state, RocksDB's batch and record headers), measured on a
     * scratch log: the raw loop writes as many per sync, so that both sides make the disk
     * do the same work.
     */
    private static long walBytesPerBatch(Path dir, int batchSize) throws IOException {
        int batches = Math.max(8, 4096 / batchSize);
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            log.bootstrap(VOTERS);
            log.persist(ready(batch(log.lastIndex() + 1, batchSize), true));
            long before = walBytes(dir);
            for (int i = 0; i < batches; i++) {
                log.persist(ready(batch(log.lastIndex() + 1, batchSize), true));
            }
            long perBatch = (walBytes(dir) - before) / batches;
            if (perBatch < batchBytes(batchSize)) {
                throw new IllegalStateException("the WAL grew by " + perBatch + " bytes per"
                        + " batch, less than the entries' " + batchBytes(batchSize));
            }
            System.out.printf(Locale.ROOT, "batch of %d: %d bytes of entries, %d bytes of WAL"
                    + " per sync%n", batchSize, batchBytes(batchSize), perBatch);
            return perBatch;
        } finally {
            deleteRecursively(dir);
        }
    }

    /** The bytes written to the write-ahead log files of a RocksDB directory. */
    private static long walBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            long total = 0;
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".log"))
                    ::iterator) {
                total += Files.size(p);
            }
            return total;
        }
    }

    /** The serialized size of a batch: what the log must write at the very least. */
    private static long batchBytes(int batchSize) {
        return batch(1_000_000, batchSize).stream().mapToLong(Entry::getSerializedSize).sum();
    }

    @FunctionalInterface
    private interface Appender {
        /** Appends one batch; returns the nanoseconds its timed part took. */
        long appendOne() throws IOException;
    }

    /** Appends batches for a slice of wall time; returns {batches, timed nanos}. */
    private static long[] runFor(long sliceNanos, Appender append) throws IOException {
        long end = System.nanoTime() + sliceNanos;
        long batches = 0;
        long timedNanos = 0;
        do {
            timedNanos += append.appendOne();
            batches++;
        } while (System.nanoTime() < end);
        return new long[] {batches, timedNanos};
    }

    private static Rate rate(long[] run, int batchSize, long bytesPerBatch) {
        double secs = run[1] / 1e9;
        return new Rate(run[0] / secs, run[0] * batchSize / secs, run[0] * bytesPerBatch / secs);
    }

    private static void printTable(List<List<Pair>> results) {
        System.out.println();
        System.out.println("| batch | RocksDurableLog appends/s | log MB/s | log syncs/s "
                + "| raw MB/s | raw syncs/s | log / raw |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (int c = 0; c < CASES.length; c++) {
            List<Pair> pairs = results.get(c);
            List<Rate> logs = pairs.stream().map(Pair::log).toList();
            List<Rate> raws = pairs.stream().map(Pair::raw).toList();
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n",
                    CASES[c].name(),
                    range(logs, Rate::entriesPerSecond, 1, "%.0f"),
                    range(logs, Rate::bytesPerSecond, 1e6, "%.2f"),
                    range(logs, Rate::syncsPerSecond, 1, "%.0f"),
                    range(raws, Rate::bytesPerSecond, 1e6, "%.2f"),
                    range(raws, Rate::syncsPerSecond, 1, "%.0f"),
                    range(pairs, p -> 100 * p.ratio(), 1, "%.0f%%"));
        }
        System.out.println();
        System.out.println("Cells: median over the rounds (min-max). MB = 10^6 bytes of"
                + " serialized entries, for both sides; the raw loop writes as many bytes per"
                + " sync as the log's WAL.");
    }

    /** The median over the rounds, then the range: "median (min-max)". */
    private static <T> String range(List<T> rates, ToDoubleFunction<T> f, double unit,
            String format) {
        double[] v = rates.stream().mapToDouble(f).map(x -> x / unit).sorted().toArray();
        double median = v.length % 2 == 1 ? v[v.length / 2]
                : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")",
                median, v[0], v[v.length - 1]);
    }

    private static void measureOpen(Path dir, int rounds) throws IOException {
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            log.bootstrap(VOTERS);
            for (long i = 2; i < 2 + OPEN_ENTRIES; i += 256) {
                int n = (int) Math.min(256, 2 + OPEN_ENTRIES - i);
                log.persist(ready(batch(i, n), false));
            }
        }
        // The first open replays the write-ahead log (the entries were never flushed) and
        // flushes it; the later ones read the entries from SST files.
        long[] millis = new long[rounds + 1];
        for (int r = 0; r <= rounds; r++) {
            long start = System.nanoTime();
            try (RocksDurableLog log = RocksDurableLog.open(dir)) {
                millis[r] = (System.nanoTime() - start) / 1_000_000;
                if (log.lastIndex() != 1 + OPEN_ENTRIES) {
                    throw new IllegalStateException("reopened log ends at " + log.lastIndex());
                }
            }
        }
        long[] later = Arrays.copyOfRange(millis, 1, millis.length);
        Arrays.sort(later);
        System.out.printf("open of a log of %,d entries of %d bytes, every entry read and"
                + " checked: %d ms with WAL replay, then best %d ms (range %d-%d ms)%n",
                OPEN_ENTRIES, ENTRY_DATA_BYTES, millis[0], later[0], later[0],
                later[later.length - 1]);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
