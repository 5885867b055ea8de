package io.katd.raft.storage;

import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.node.SnapshotStore;
import io.katd.raft.storage.snapshot.FileSnapshotStore;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * The process a crash test kills with SIGKILL: it writes without end and prints
 * {@code ack <n> ...} on stdout after each write returned (synced), flushing the line
 * before it starts the next write. Usage: {@code CrashChild log|snapshots <dir> <seed>}.
 */
final class CrashChild {
    // A bound in case no one kills this process; far beyond what any test waits for.
    private static final int WRITES_MAX = 100_000;
    private static final int CHUNK_BYTES_MAX = 64 << 10;

    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        exitWhenParentGoes();
        Path dir = Path.of(args[1]);
        long seed = Long.parseLong(args[2]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false,
                StandardCharsets.US_ASCII);
        switch (args[0]) {
            case "log" -> writeLog(dir, seed, out);
            case "snapshots" -> writeSnapshots(dir, seed, out);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.exit(0);
    }

    private static void writeLog(Path dir, long seed, PrintStream out) throws IOException {
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            CrashWorkload workload = new CrashWorkload(seed);
            for (int n = 1; n <= WRITES_MAX; n++) {
                workload.next(log).applyTo(log);
                out.println("ack " + n + " " + log.lastIndex() + " "
                        + log.hardState().getTerm());
                out.flush();
            }
        }
    }

    private static void writeSnapshots(Path dir, long seed, PrintStream out)
            throws IOException {
        FileSnapshotStore store = FileSnapshotStore.open(dir);
        SplittableRandom random = new SplittableRandom(seed);
        long start = store.latest().map(SnapshotMetadata::getIndex).orElse(0L);
        for (long index = start + 1; index <= start + WRITES_MAX; index++) {
            ByteBuffer data = snapshotData(index);
            CRC32C crc = new CRC32C();
            crc.update(data.duplicate());
            try (SnapshotStore.Writer w = store.create(snapshotMetadata(index))) {
                while (data.hasRemaining()) {
                    int n = Math.min(data.remaining(), 1 + random.nextInt(CHUNK_BYTES_MAX));
                    w.write(data.slice().limit(n));
                    data.position(data.position() + n);
                }
                w.commit(data.limit(), (int) crc.getValue());
            }
            out.println("ack " + index);
            out.flush();
        }
    }

    static SnapshotMetadata snapshotMetadata(long index) {
        return SnapshotMetadata.newBuilder().setIndex(index).setTerm(1 + index / 10)
                .setConfState(Logs.VOTERS).build();
    }

    /** The data of the snapshot at {@code index}: 0 to 1.5 MB, a function of the index. */
    static ByteBuffer snapshotData(long index) {
        int size = (int) Math.floorMod(index * 104_729L, 1_500_000L);
        return Logs.data(index, 1 + index / 10, size).asReadOnlyByteBuffer();
    }

    /** Exits when stdin closes: the parent test died and nobody will kill this process. */
    private static void exitWhenParentGoes() {
        Thread t = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    continue;
                }
            } catch (IOException e) {
                // Treated like end of input.
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watch");
        t.setDaemon(true);
        t.start();
    }
}
