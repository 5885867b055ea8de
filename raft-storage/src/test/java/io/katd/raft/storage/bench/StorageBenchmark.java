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
 * same disk: a FileChannel that appends the same number of bytes (the serialized entries)
 * and forces them (fdatasync, as RocksDB's synced WAL write does) per batch. Then the time
 * to open a log of 100,000 entries, whose open scan reads and checks every entry.
 *
 * <p>The disk may be shared with other work whose load comes and goes, so the log and the
 * raw loop take turns in one-second slices and each sees the same conditions; their ratio
 * is computed from the sums of their slices.
 *
 * <p>Usage: {@code StorageBenchmark [--seconds S] [--rounds R] [--dir DIR]}: each case runs
 * S seconds of log slices and S seconds of raw slices after a warm-up, R rounds; the best
 * round and the range over the rounds are printed.
 */
final class StorageBenchmark {
    private static final int ENTRY_DATA_BYTES = 256;
    private static final int[] BATCHES = {1, 16, 256};
    private static final long SLICE_NANOS = 1_000_000_000L;
    private static final int OPEN_ENTRIES = 100_000;
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
        double seconds = 5;
        int rounds = 3;
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
        for (int b = 0; b < BATCHES.length; b++) {
            results.add(new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            for (int b = 0; b < BATCHES.length; b++) {
                Pair p = measure(base.resolve("case-" + round + "-" + b), BATCHES[b], runNanos);
                System.out.printf(Locale.ROOT, "round %d, batch %d: log %.2f MB/s, raw %.2f"
                        + " MB/s, %.0f%%%n", round, BATCHES[b], p.log().bytesPerSecond() / 1e6,
                        p.raw().bytesPerSecond() / 1e6, 100 * p.ratio());
                results.get(b).add(p);
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

    private static Pair measure(Path dir, int batchSize, long runNanos) throws IOException {
        long bytesPerBatch = batchBytes(batchSize);
        ByteBuffer bytes = ByteBuffer.allocateDirect((int) bytesPerBatch);
        Files.createDirectories(dir);
        try (RocksDurableLog log = RocksDurableLog.open(dir.resolve("log"));
                FileChannel ch = FileChannel.open(dir.resolve("raw.log"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND)) {
            log.bootstrap(VOTERS);
            long[] next = {2};
            Appender logAppend = () -> {
                log.persist(ready(batch(next[0], batchSize), true));
                next[0] += batchSize;
            };
            Appender rawAppend = () -> {
                bytes.clear();
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(false);
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

    /** The serialized size of a batch: what the log must write at the very least. */
    private static long batchBytes(int batchSize) {
        return batch(1_000_000, batchSize).stream().mapToLong(Entry::getSerializedSize).sum();
    }

    @FunctionalInterface
    private interface Appender {
        void appendOne() throws IOException;
    }

    /** Appends batches for {@code runNanos}; returns {batches, elapsed nanos}. */
    private static long[] runFor(long runNanos, Appender append) throws IOException {
        long start = System.nanoTime();
        long batches = 0;
        long elapsed;
        do {
            append.appendOne();
            batches++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < runNanos);
        return new long[] {batches, elapsed};
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
        for (int b = 0; b < BATCHES.length; b++) {
            List<Pair> pairs = results.get(b);
            List<Rate> logs = pairs.stream().map(Pair::log).toList();
            List<Rate> raws = pairs.stream().map(Pair::raw).toList();
            System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s |%n", BATCHES[b],
                    range(logs, Rate::entriesPerSecond, 1, "%.0f"),
                    range(logs, Rate::bytesPerSecond, 1e6, "%.2f"),
                    range(logs, Rate::syncsPerSecond, 1, "%.0f"),
                    range(raws, Rate::bytesPerSecond, 1e6, "%.2f"),
                    range(raws, Rate::syncsPerSecond, 1, "%.0f"),
                    range(pairs, p -> 100 * p.ratio(), 1, "%.0f%%"));
        }
        System.out.println();
        System.out.println("Cells: best round (range over all rounds). MB = 10^6 bytes of "
                + "serialized entries; the raw loop writes the same bytes per sync.");
    }

    private static <T> String range(List<T> rates, ToDoubleFunction<T> f, double unit,
            String format) {
        double[] v = rates.stream().mapToDouble(f).map(x -> x / unit).sorted().toArray();
        return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")",
                v[v.length - 1], v[0], v[v.length - 1]);
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
