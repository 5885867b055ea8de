package io.katd.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.proto.raft.Entry;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.Storage;
import io.katd.raft.node.DurableLog;
import io.katd.raft.node.MemoryDurableLog;
import io.katd.raft.node.SnapshotStore;
import io.katd.raft.storage.snapshot.FileSnapshotStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 at random moments: a child JVM writes and acknowledges, the parent waits for a
 * number of acknowledgements drawn from the seed, kills the child with SIGKILL while it
 * keeps writing, and reopens what it left. Every acknowledged write must be there, and
 * nothing else except the one write that was in flight. The same directory goes through
 * every kill, so each run also starts from a log that survived the previous kill.
 */
class CrashTest {
    private static final long SEED = 20_261_123L;
    private static final int LOG_KILLS = 55;
    private static final int SNAPSHOT_KILLS = 10;
    private static final int ACKS_BEFORE_KILL_MAX = 60;

    @TempDir
    Path temp;

    /** What a reader of the log sees; two logs in the same state give equal views. */
    // Writes a child can finish after its last acknowledgement that reached us: its output
    // is cut off by the kill, so a few acknowledged writes may never be read.
    private static final int UNACKNOWLEDGED_WRITES_MAX = 64;

    record View(long firstIndex, long lastIndex, long termBeforeFirst,
            Storage.InitialState initial, Snapshot snapshot,
            List<Entry> entries) {
        static View of(DurableLog log) {
            long first = log.firstIndex();
            long last = log.lastIndex();
            List<Entry> ents = last < first ? List.of()
                    : log.entries(first, last + 1, Long.MAX_VALUE);
            return new View(first, last, log.term(first - 1), log.initialState(),
                    log.snapshot(), ents);
        }

        String summary() {
            return "entries " + firstIndex + ".." + lastIndex + ", snapshot at "
                    + snapshot.getMetadata().getIndex() + ", hard state "
                    + initial.hardState().toString().replace('\n', ' ');
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillDashNine() throws Exception {
        SplittableRandom seeds = new SplittableRandom(SEED);
        Path dir = temp.resolve("log");
        MemoryDurableLog model = new MemoryDurableLog();
        model.bootstrap(Logs.VOTERS);
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            log.bootstrap(Logs.VOTERS);
        }
        long inFlightSeen = 0;
        for (int run = 0; run < LOG_KILLS; run++) {
            long runSeed = seeds.nextLong();
            int killAfter = 1 + seeds.nextInt(ACKS_BEFORE_KILL_MAX);
            ChildProcess child = ChildProcess.start(temp.resolve("stderr-" + run),
                    "log", dir.toString(), Long.toString(runSeed));
            child.awaitAcks(killAfter);
            child.kill();
            String context = "run " + run + " (seed " + runSeed + "), killed after "
                    + child.acks().size() + " acks";
            CrashWorkload workload = new CrashWorkload(runSeed);
            replayAcknowledged(workload, model, child.acks(), context);
            if (checkReopened(dir, workload, model, context)) {
                inFlightSeen++;
            }
        }
        // Not a requirement, only a sign that kills did land mid-write now and then.
        System.out.printf("%d kills, %d with the write in flight persisted%n", LOG_KILLS,
                inFlightSeen);
    }

    /** Applies the acknowledged writes to the model, checking it agrees with each ack. */
    private static void replayAcknowledged(CrashWorkload workload, MemoryDurableLog model,
            List<String> acks, String context) throws IOException {
        for (int n = 1; n <= acks.size(); n++) {
            workload.next(model).applyTo(model);
            String expected = "ack " + n + " " + model.lastIndex() + " "
                    + model.hardState().getTerm();
            assertThat(acks.get(n - 1)).as(context + ": the child's write " + n
                    + " differs from the model's").isEqualTo(expected);
        }
    }

    /**
     * Reopens the log and compares it with the model: it must hold exactly the
     * acknowledged writes, possibly followed by later writes of the same workload, each
     * whole. The child may have finished writes whose acknowledgement the kill cut off
     * before it reached us, and one more may have been in flight, so any state of the
     * sequence from the acknowledged one on is correct; a state between two writes, or
     * one missing an acknowledged write, is not. Leaves the model at the matching state
     * and returns whether it was beyond the acknowledged one.
     */
    private static boolean checkReopened(Path dir, CrashWorkload workload,
            MemoryDurableLog model, String context) throws IOException {
        try (RocksDurableLog log = RocksDurableLog.open(dir)) {
            View disk = View.of(log);
            for (Entry e : disk.entries()) {
                assertThat(e.getData()).as(context + ": payload of entry " + e.getIndex())
                        .isEqualTo(Logs.data(e.getIndex(), e.getTerm()));
            }
            View acknowledged = View.of(model);
            View candidate = acknowledged;
            for (int later = 0; !disk.equals(candidate); later++) {
                assertThat(later).as(context + ": the reopened log (" + disk.summary()
                        + ") is not the acknowledged one (" + acknowledged.summary()
                        + ") nor any of the " + UNACKNOWLEDGED_WRITES_MAX
                        + " writes after it").isLessThan(UNACKNOWLEDGED_WRITES_MAX);
                workload.next(model).applyTo(model);
                candidate = View.of(model);
            }
            return !candidate.equals(acknowledged);
        }
    }

    @Test
    void everyCommittedSnapshotSurvivesKillDashNine() throws Exception {
        SplittableRandom seeds = new SplittableRandom(SEED + 1);
        Path dir = temp.resolve("snapshots");
        for (int run = 0; run < SNAPSHOT_KILLS; run++) {
            long runSeed = seeds.nextLong();
            int killAfter = 1 + seeds.nextInt(8);
            ChildProcess child = ChildProcess.start(temp.resolve("stderr-" + run),
                    "snapshots", dir.toString(), Long.toString(runSeed));
            child.awaitAcks(killAfter);
            child.kill();
            List<String> acks = child.acks();
            long acknowledged = Long.parseLong(acks.get(acks.size() - 1).substring(4));
            String context = "run " + run + ", last acknowledged snapshot " + acknowledged;

            FileSnapshotStore store = FileSnapshotStore.open(dir);
            SnapshotMetadata latest = store.latest().orElseThrow();
            // Later snapshots may be there too: the kill can cut off their acknowledgements.
            assertThat(latest.getIndex()).as(context).isGreaterThanOrEqualTo(acknowledged);
            assertThat(latest).as(context)
                    .isEqualTo(CrashChild.snapshotMetadata(latest.getIndex()));
            try (SnapshotStore.Reader r = store.open(latest.getIndex(), latest.getTerm())
                    .orElseThrow()) {
                assertThat(readAll(r)).as(context)
                        .isEqualTo(CrashChild.snapshotData(latest.getIndex()));
            }
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .as(context + ": temporary files are gone, older snapshots too")
                        .containsExactly(String.format("snapshot-%020d-%020d.snap",
                                latest.getIndex(), latest.getTerm()));
            }
        }
    }

    private static ByteBuffer readAll(SnapshotStore.Reader r) throws IOException {
        ByteBuffer all = ByteBuffer.allocate((int) r.sizeBytes());
        ByteBuffer chunk = ByteBuffer.allocate(50_000);
        while (r.read(chunk.clear()) >= 0) {
            all.put(chunk.flip());
        }
        return all.flip();
    }
}
