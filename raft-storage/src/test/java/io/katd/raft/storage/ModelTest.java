package io.katd.raft.storage;

import static io.katd.raft.storage.Logs.VOTERS;
import static io.katd.raft.storage.Logs.entries;
import static io.katd.raft.storage.Logs.hs;
import static io.katd.raft.storage.Logs.ready;
import static io.katd.raft.storage.Logs.snapshot;
import static io.katd.raft.storage.Logs.snapshotReady;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.HardState;
import io.katd.raft.node.DurableLog;
import io.katd.raft.node.MemoryDurableLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rocksdb.RocksIterator;

/**
 * RocksDurableLog against the reference, MemoryDurableLog: the same random sequence of
 * writes (valid and invalid) goes to both, and after each one every read must give the
 * same answer, or fail with the same exception and message. Reopening the RocksDB log
 * must not change any answer. Seeded: a failure names its seed and step.
 *
 * <p>The RocksDB log stores entries in runs (see {@link Codec}); the cases vary the bound
 * on a run's size so that persists are cut into several runs, and each case checks that
 * its writes did cut through runs: truncations and compactions inside a run, whose head
 * comes from the cache or from disk depending on the cache's size.
 */
class ModelTest {
    private static final int STEPS = 400;

    @TempDir
    Path temp;

    private SplittableRandom random;
    private MemoryDurableLog model;
    private RocksDurableLog log;
    private long cacheBytes;
    private int runBytesMax;
    private long term;
    private int truncationsInsideRuns;
    private int compactionsInsideRuns;

    @ParameterizedTest(name = "seed {0}, cache {1} bytes, runs of at most {2} bytes")
    @CsvSource({"1, 0, 1048576", "2, 2000, 600", "3, 100000, 1048576", "4, 3000, 1000",
            "5, 33554432, 400", "6, 0, 700"})
    void everyReadAgreesWithTheInMemoryLog(long seed, long cacheBytes, int runBytesMax)
            throws IOException {
        this.random = new SplittableRandom(seed);
        this.cacheBytes = cacheBytes;
        this.runBytesMax = runBytesMax;
        this.model = new MemoryDurableLog();
        this.log = RocksDurableLog.open(temp.resolve("log"), cacheBytes, runBytesMax, null);
        this.term = 1;
        try {
            model.bootstrap(VOTERS);
            log.bootstrap(VOTERS);
            for (int step = 0; step < STEPS; step++) {
                String what = step(random.nextInt(100));
                compare("seed " + seed + ", step " + step + " (" + what + ")");
            }
        } finally {
            log.close();
        }
        assertThat(truncationsInsideRuns).as("truncations inside a run").isGreaterThan(10);
        assertThat(compactionsInsideRuns).as("compactions inside a run").isGreaterThan(5);
    }

    /** Whether a stored run holds entry {@code index} and starts before it. */
    private boolean insideStoredRun(long index) {
        RocksHandles h = log.handles();
        try (RocksIterator it = h.db.newIterator(h.entries)) {
            it.seek(Codec.indexKey(index));
            return it.isValid() && new RunDecoder(h.directory, Codec.indexOf(it.key()),
                    it.value()).firstIndex() < index;
        }
    }

    private String step(int dice) throws IOException {
        long first = model.firstIndex();
        long last = model.lastIndex();
        long commit = model.hardState().getCommit();
        long snapIndex = model.snapshot().getMetadata().getIndex();
        if (dice < 35) {
            // Mostly short appends, sometimes longer ones that make several runs.
            long n = 1 + random.nextInt(random.nextInt(4) == 0 ? 40 : 12);
            long newCommit = commit + random.nextLong(last + n - commit + 1);
            boolean sync = random.nextBoolean();
            both(w -> w.persist(ready(hs(term, newCommit), entries(last + 1, last + n, term),
                    sync)));
            return "append " + n;
        }
        if (dice < 50) {
            term++;
            long from = Math.max(commit + 1, last + 1 - random.nextInt(8));
            long n = 1 + random.nextInt(5);
            long vote = 1 + random.nextLong(3);
            truncationsInsideRuns += from <= last && insideStoredRun(from) ? 1 : 0;
            both(w -> w.persist(ready(hs(term, vote, commit),
                    entries(from, from + n - 1, term), true)));
            return "replace from " + from;
        }
        if (dice < 58) {
            boolean newTerm = random.nextBoolean();
            term += newTerm ? 1 : 0;
            long newCommit = commit + random.nextLong(last - commit + 1);
            both(w -> w.persist(ready(hs(term, newCommit), List.of(), newTerm)));
            return "hard state";
        }
        if (dice < 68 && commit > snapIndex) {
            long at = snapIndex + 1 + random.nextLong(commit - snapIndex);
            ByteString data = ByteString.copyFromUtf8("state@" + at);
            both(w -> w.createSnapshot(at, VOTERS, data));
            return "snapshot at " + at;
        }
        if (dice < 76 && snapIndex >= first) {
            long at = first + random.nextLong(snapIndex - first + 1);
            compactionsInsideRuns += at < last && insideStoredRun(at + 1) ? 1 : 0;
            both(w -> w.compact(at));
            return "compact to " + at;
        }
        if (dice < 80) {
            term++;
            long at = Math.max(commit, snapIndex) + 1 + random.nextInt(10);
            long n = random.nextInt(3);
            both(w -> w.persist(snapshotReady(snapshot(at, term, VOTERS,
                    ByteString.copyFromUtf8("received@" + at)), hs(term, at),
                    entries(at + 1, at + n, term))));
            return "install snapshot at " + at;
        }
        if (dice < 97) {
            return invalidStep(first, last, snapIndex);
        }
        reopen();
        return "reopen";
    }

    /** A write both logs must refuse, the same way, without changing anything. */
    private String invalidStep(long first, long last, long snapIndex) throws IOException {
        switch (random.nextInt(5)) {
            case 0 -> both(w -> w.compact(snapIndex + 1));
            case 1 -> both(w -> w.compact(first - 1));
            case 2 -> both(w -> w.createSnapshot(snapIndex, VOTERS, ByteString.EMPTY));
            case 3 -> both(w -> w.persist(ready(hs(term, 0), entries(last + 2, last + 2, term),
                    true)));
            default -> both(w -> w.persist(snapshotReady(snapshot(snapIndex - 1, term, VOTERS,
                    ByteString.EMPTY), null, List.of())));
        }
        return "invalid write";
    }

    private void reopen() throws IOException {
        log.close();
        log = RocksDurableLog.open(temp.resolve("log"), cacheBytes, runBytesMax, null);
    }

    @FunctionalInterface
    private interface Write {
        void apply(DurableLog w) throws IOException;
    }

    private void both(Write write) throws IOException {
        String expected = outcome(() -> {
            write.apply(model);
            return "ok";
        });
        String actual = outcome(() -> {
            write.apply(log);
            return "ok";
        });
        assertThat(actual).as("outcome of the write").isEqualTo(expected);
    }

    private void compare(String context) {
        List<String> expected = reads(model);
        List<String> actual = reads(log);
        assertThat(actual).as(context).isEqualTo(expected);
        HardState hs = model.hardState();
        assertThat(log.hardState()).as(context).isEqualTo(hs);
    }

    /**
     * Every read of interest, as text: values and exceptions alike. The values drawn here
     * come from their own generator, so that reads never change the sequence of writes.
     */
    private List<String> reads(DurableLog l) {
        List<String> out = new ArrayList<>();
        long first = model.firstIndex();
        long last = model.lastIndex();
        out.add("first " + l.firstIndex() + ", last " + l.lastIndex() + ", empty " + l.isEmpty());
        out.add("initial " + l.initialState());
        out.add("snapshot " + l.snapshot());
        for (long i = first - 2; i <= last + 1; i++) {
            long index = i;
            out.add("term(" + i + ") " + outcome(() -> l.term(index)));
        }
        SplittableRandom ranges = new SplittableRandom(first * 31 + last);
        for (int k = 0; k < 12; k++) {
            long lo = first - 1 + ranges.nextLong(last - first + 3);
            long hi = lo + ranges.nextLong(Math.max(1, last + 2 - lo) + 1);
            long max = ranges.nextInt(3) == 0 ? Long.MAX_VALUE : ranges.nextLong(3000);
            out.add("entries(" + lo + ", " + hi + ", " + max + ") "
                    + outcome(() -> l.entries(lo, hi, max)));
        }
        return out;
    }

    private static String outcome(Callable<Object> read) {
        try {
            return String.valueOf(read.call());
        } catch (Exception e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }
}
