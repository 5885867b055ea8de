package io.katd.raft.storage;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.raft.Ready;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
import java.util.stream.Stream;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Where the time of one persist of 256 entries of 256 bytes goes: each step of the write
 * path timed on its own, in thread CPU time and wall time, medians over many repetitions.
 * A tool to run by hand next to {@code StorageBenchmark}, not a test:
 *
 * <pre>
 * java -cp ... io.katd.raft.storage.PersistProfile [--reps N] [--dir DIR]
 * </pre>
 *
 * <p>Thread CPU time leaves out the time a step waits (for the disk, or for a CPU taken by
 * other work); wall time includes it. On a machine shared with other work, CPU time is the
 * steadier of the two.
 */
final class PersistProfile {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final ByteString DATA = ByteString.copyFrom(new byte[256]);
    private static final int ENTRIES = 256;

    private PersistProfile() {}

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static List<Entry> batch(long first) {
        List<Entry> ents = new ArrayList<>(ENTRIES);
        for (long i = first; i < first + ENTRIES; i++) {
            ents.add(Entry.newBuilder().setTerm(1).setIndex(i).setData(DATA).build());
        }
        return ents;
    }

    private static Ready ready(List<Entry> ents, boolean sync) {
        long last = ents.get(ents.size() - 1).getIndex();
        return new Ready(Optional.empty(), Optional.of(HardState.newBuilder().setTerm(1)
                .setCommit(last).build()), List.of(), ents, Optional.empty(), List.of(),
                List.of(), sync);
    }

    private static void time(String name, int reps, Step step) throws Exception {
        time(name, reps, () -> { }, step);
    }

    /** Times {@code step} alone; {@code setup} runs before each, untimed. */
    private static void time(String name, int reps, Step setup, Step step) throws Exception {
        for (int r = 0; r < reps / 4; r++) {
            setup.run();
            step.run();
        }
        long[] cpu = new long[reps];
        long[] wall = new long[reps];
        for (int r = 0; r < reps; r++) {
            setup.run();
            long c0 = THREADS.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            step.run();
            wall[r] = System.nanoTime() - w0;
            cpu[r] = THREADS.getCurrentThreadCpuTime() - c0;
        }
        Arrays.sort(cpu);
        Arrays.sort(wall);
        System.out.printf(Locale.ROOT, "%-58s cpu %7.1f us   wall %7.1f us (p10-p90 %.0f-%.0f)%n",
                name, cpu[reps / 2] / 1e3, wall[reps / 2] / 1e3, wall[reps / 10] / 1e3,
                wall[reps * 9 / 10] / 1e3);
    }

    public static void main(String[] args) throws Exception {
        int reps = 2000;
        Path base = Path.of("target");
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--reps" -> reps = Integer.parseInt(args[i + 1]);
                case "--dir" -> base = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        RocksDB.loadLibrary();
        Path dir = Files.createTempDirectory(Files.createDirectories(base), "persist-profile-");
        try {
            profile(dir, reps);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void profile(Path dir, int reps) throws Exception {
        List<Entry> ents = batch(1);
        HardState hs = HardState.newBuilder().setTerm(1).setCommit(ENTRIES).build();
        BatchEncoder encoder = new BatchEncoder(0);
        System.out.println("Java, per batch of " + ENTRIES + " entries:");
        time("encode the WriteBatch (serialize, CRC32C, copy out)", reps, () -> {
            encoder.reset(80_000);
            encoder.putRun(2, ents, 0, ents.size());
            encoder.put(3, Codec.HARD_STATE_KEY, Codec.seal(hs.toByteArray()));
            encoder.serialized();
        });
        byte[] out = new byte[80_000];
        time("  of which: protobuf serialization alone", reps, () -> {
            int at = 0;
            for (Entry e : ents) {
                int n = e.getSerializedSize();
                e.writeTo(CodedOutputStream.newInstance(out, at, n));
                at += n;
            }
        });
        time("  of which: CRC32C of the entries alone", reps, () -> {
            for (int i = 0; i < ENTRIES; i++) {
                Codec.crc32c(out, i * 265, 265);
            }
        });
        byte[] serialized = encoder.serialized();
        time("new WriteBatch(byte[]) and close (one JNI copy)", reps, () -> {
            try (WriteBatch wb = new WriteBatch(serialized)) {
                wb.count();
            }
        });

        System.out.println("RocksDB (the batch is encoded outside the timed part):");
        try (RocksHandles h = RocksHandles.open(dir.resolve("db"));
                WriteOptions noWal = new WriteOptions().setDisableWAL(true);
                WriteOptions noSync = new WriteOptions().setSync(false);
                WriteOptions sync = new WriteOptions().setSync(true)) {
            long[] next = {1};
            for (Object[] c : new Object[][] {{"db.write, no WAL: memtable insert", noWal},
                    {"db.write, WAL not synced: WAL record, write(2), memtable", noSync},
                    {"db.write, WAL synced: the above and fdatasync", sync}}) {
                WriteBatch[] wb = new WriteBatch[1];
                Step prepare = () -> {
                    BatchEncoder b = new BatchEncoder(80_000);
                    List<Entry> run = batch(next[0]);
                    b.putRun(h.entriesId, run, 0, run.size());
                    next[0] += ENTRIES;
                    wb[0] = b.toWriteBatch();
                };
                time((String) c[0], reps, prepare, () -> {
                    h.db.write((WriteOptions) c[1], wb[0]);
                    wb[0].close();
                });
            }
        }

        System.out.println("Raw FileChannel, 72,000 bytes per batch (about the WAL's):");
        ByteBuffer bytes = ByteBuffer.allocateDirect(72_000);
        try (FileChannel ch = FileChannel.open(dir.resolve("append"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            time("write(2), appending", reps, () -> {
                bytes.clear();
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
            });
            time("write(2) and fdatasync, appending", reps, () -> {
                bytes.clear();
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(false);
            });
        }
        try (FileChannel ch = FileChannel.open(dir.resolve("overwrite"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            // Written and synced ahead: overwriting it changes no metadata that fdatasync
            // must write.
            int slots = 64;
            for (int i = 0; i < slots; i++) {
                bytes.clear();
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
            }
            ch.force(true);
            long[] slot = {0};
            time("write(2) and fdatasync, overwriting a written file", reps, () -> {
                bytes.clear();
                long at = (slot[0]++ % slots) * bytes.capacity();
                while (bytes.hasRemaining()) {
                    at += ch.write(bytes, at);
                }
                ch.force(false);
            });
        }

        System.out.println("RocksDurableLog.persist (building the entries not timed):");
        for (boolean syncOn : new boolean[] {false, true}) {
            try (RocksDurableLog log = RocksDurableLog.open(dir.resolve("log-" + syncOn))) {
                log.bootstrap(ConfState.newBuilder().addVoters(1).build());
                Ready[] rd = new Ready[1];
                time("persist, " + (syncOn ? "synced" : "not synced"), reps,
                        () -> rd[0] = ready(batch(log.lastIndex() + 1), syncOn),
                        () -> log.persist(rd[0]));
            }
        }
    }
}
