package io.katd.kv.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.statistics.Statistics;

/**
 * The state of one stateful-property run: the engine under test, the {@link Model}, and the
 * plumbing (Raft indexes, temp directories, checkpoints) around them. Every operation runs on
 * both, and their outcomes must be equal.
 */
final class ModelHarness implements AutoCloseable {

    enum Kind { IN_MEMORY, ROCKSDB }

    @FunctionalInterface
    interface Call {
        Object call() throws IOException;
    }

    private final Kind kind;
    private final Path dir;
    private Backend backend;
    private MvccStore engine;
    private Model model = new Model();
    private long nextRaftIndex = 1;
    private int checkpointCount;
    private Path checkpoint;
    private Model modelAtCheckpoint;
    final List<String> log = new ArrayList<>();

    ModelHarness(Kind kind) {
        this.kind = kind;
        try {
            dir = Files.createTempDirectory("katd-mvcc-model-");
            backend = openBackend();
            engine = MvccStore.open(backend);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Backend openBackend() throws IOException {
        return kind == Kind.ROCKSDB
                ? RocksDbBackend.open(dir.resolve("db"))
                : new InMemoryBackend();
    }

    Model model() {
        return model;
    }

    long raftIndex() {
        return nextRaftIndex++;
    }

    /** A revision chosen by {@code selector} among those around the interesting edges. */
    long readRevision(int selector) {
        List<Long> choices = new ArrayList<>(List.of(0L));
        for (long r = Math.max(1, model.compacted() - 1); r <= model.current() + 1; r++) {
            choices.add(r);
        }
        return choices.get(Math.floorMod(selector, choices.size()));
    }

    /** A compaction revision from the compacted one (refused) to one past the current one. */
    long compactRevision(int selector) {
        long low = Math.max(1, model.compacted());
        long span = model.current() + 1 - low + 1;
        return low + Math.floorMod(selector, span);
    }

    void run(String description, Call onEngine, Call onModel) {
        log.add(description);
        Object expected = outcome(onModel);
        Object actual = outcome(onEngine);
        assertThat(actual).as("%s%nafter%n%s", description, String.join("\n", log))
                .isEqualTo(expected);
        Statistics.label(OUTCOMES).collect(classify(expected));
    }

    /** Outcome classes whose absence would mean the generators miss a behaviour. */
    static final String OUTCOMES = "outcomes";

    private static String classify(Object outcome) {
        if (outcome instanceof Model.Rejected rejected) {
            return "rejected " + rejected.reason();
        }
        if (outcome instanceof Applied<?> applied
                && applied.result() instanceof TxnResult txn) {
            return txn.succeeded() ? "txn succeeded" : "txn failed";
        }
        if (outcome instanceof Applied<?> applied) {
            return applied.events().isEmpty() ? "write without change" : "write";
        }
        if (outcome instanceof RangeResult) {
            return "range";
        }
        if (outcome instanceof List) {
            return "events";
        }
        return "compaction";
    }

    private static Object outcome(Call call) {
        try {
            return call.call();
        } catch (CompactedException e) {
            return new Model.Rejected("compacted", e.requestedRevision(), e.compactRevision());
        } catch (FutureRevisionException e) {
            return new Model.Rejected("future", e.requestedRevision(), e.currentRevision());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    MvccStore engine() {
        return engine;
    }

    /** Reopens the engine: in memory on the same backend, on disk with a new RocksDB handle. */
    void reopen() throws IOException {
        log.add("reopen");
        if (kind == Kind.ROCKSDB) {
            engine.close();
            backend = openBackend();
        }
        engine = MvccStore.open(backend);
    }

    void checkpoint() throws IOException {
        log.add("checkpoint");
        checkpoint = dir.resolve("checkpoint-" + checkpointCount++);
        engine.snapshot(checkpoint);
        modelAtCheckpoint = model.copy();
    }

    void restoreCheckpoint() throws IOException {
        if (checkpoint == null) {
            return;
        }
        log.add("restore " + checkpoint.getFileName());
        engine.restore(checkpoint);
        model = modelAtCheckpoint.copy();
        Statistics.label(OUTCOMES).collect("restore");
    }

    /** Holds after every action: the same revisions, applied index and current key space. */
    void checkInvariant() {
        assertThat(engine.currentRevision()).as("current revision").isEqualTo(model.current());
        assertThat(engine.compactRevision()).as("compact revision").isEqualTo(model.compacted());
        assertThat(engine.appliedIndex()).as("applied index").isEqualTo(model.applied());
        RangeRequest all = RangeRequest.of(KeyRanges.FROM_KEY, KeyRanges.FROM_KEY);
        try {
            assertThat(engine.range(all).kvs()).as("current key space")
                    .containsExactlyElementsOf(model.stateAt(model.current()).values());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        engine.close();
        try {
            Directories.deleteRecursively(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
