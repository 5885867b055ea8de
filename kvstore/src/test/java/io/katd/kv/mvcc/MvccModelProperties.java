package io.katd.kv.mvcc;

import static io.katd.kv.mvcc.Bytes.b;

import com.google.protobuf.ByteString;
import io.katd.kv.mvcc.Compare.Result;
import io.katd.kv.mvcc.Compare.Target;
import io.katd.kv.mvcc.RangeRequest.SortOrder;
import io.katd.kv.mvcc.RangeRequest.SortTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.ActionChainArbitrary;
import net.jqwik.api.state.Transformer;
import net.jqwik.api.statistics.Statistics;

/**
 * Stateful property: random sequences of puts, deletes, transactions, reads at any revision,
 * history reads, compactions, reopens and snapshot restores give the same outcomes on the
 * engine as on the {@link Model}, on both backends. Seeds are fixed so that every run is the
 * same; change a seed to explore further.
 */
class MvccModelProperties {

    private static final List<ByteString> KEYS =
            List.of(b("a"), b("ab"), b("b"), b("ba"), b("c"), b(0xff));

    private final List<ModelHarness> harnesses = new ArrayList<>();

    @Property(tries = 200, seed = "7150432916273518")
    void inMemoryEngineBehavesLikeTheModel(@ForAll("inMemory") ActionChain<ModelHarness> chain) {
        chain.withInvariant("engine state equals model state", ModelHarness::checkInvariant)
                .run();
        requireCoverage();
    }

    @Property(tries = 30, seed = "2468013579112233")
    void rocksDbEngineBehavesLikeTheModel(@ForAll("rocksDb") ActionChain<ModelHarness> chain) {
        chain.withInvariant("engine state equals model state", ModelHarness::checkInvariant)
                .run();
        requireCoverage();
    }

    /** A run that never reaches one of these outcomes tested less than it claims. */
    private static void requireCoverage() {
        Statistics.label(ModelHarness.OUTCOMES).coverage(coverage -> {
            for (String outcome : List.of("rejected compacted", "rejected future",
                    "txn succeeded", "txn failed", "write", "write without change",
                    "range", "events", "compaction", "restore")) {
                coverage.check(outcome).count(count -> count > 0);
            }
        });
    }

    // Also after the property: jqwik's shrinking runs chains outside of the regular tries.
    @AfterTry
    @AfterProperty
    void closeHarnesses() {
        harnesses.forEach(ModelHarness::close);
        harnesses.clear();
    }

    @Provide
    Arbitrary<ActionChain<ModelHarness>> inMemory() {
        return chains(ModelHarness.Kind.IN_MEMORY, 40);
    }

    @Provide
    Arbitrary<ActionChain<ModelHarness>> rocksDb() {
        return chains(ModelHarness.Kind.ROCKSDB, 30);
    }

    private ActionChainArbitrary<ModelHarness> chains(ModelHarness.Kind kind, int length) {
        return ActionChain.<ModelHarness>startWith(() -> {
                    ModelHarness harness = new ModelHarness(kind);
                    harnesses.add(harness);
                    return harness;
                })
                .withAction(6, independent(puts().map(MvccModelProperties::put)))
                .withAction(3, independent(deletes().map(MvccModelProperties::delete)))
                .withAction(4, independent(txns(2).map(MvccModelProperties::txn)))
                .withAction(4, independent(ranges().map(MvccModelProperties::range)))
                .withAction(2, independent(Arbitraries.integers().between(0, 1000)
                        .map(MvccModelProperties::compact)))
                .withAction(2, independent(events()))
                .withAction(1, Action.just(Transformer.mutate("reopen", io(ModelHarness::reopen))))
                .withAction(1, Action.just(
                        Transformer.mutate("checkpoint", io(ModelHarness::checkpoint))))
                .withAction(1, Action.just(
                        Transformer.mutate("restore", io(ModelHarness::restoreCheckpoint))))
                .withMaxTransformations(length);
    }

    private static Action.Independent<ModelHarness> independent(
            Arbitrary<Transformer<ModelHarness>> transformers) {
        return () -> transformers;
    }

    @FunctionalInterface
    private interface IoStep {
        void run(ModelHarness harness) throws IOException;
    }

    private static Consumer<ModelHarness> io(IoStep step) {
        return harness -> {
            try {
                step.run(harness);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    // ---- the actions

    private static Transformer<ModelHarness> put(PutRequest request) {
        String description = "put " + request;
        return Transformer.mutate(description, h -> {
            long index = h.raftIndex();
            h.run(description, () -> h.engine().put(index, request),
                    () -> h.model().put(index, request));
        });
    }

    private static Transformer<ModelHarness> delete(DeleteRangeRequest request) {
        String description = "delete " + request;
        return Transformer.mutate(description, h -> {
            long index = h.raftIndex();
            h.run(description, () -> h.engine().deleteRange(index, request),
                    () -> h.model().deleteRange(index, request));
        });
    }

    private static Transformer<ModelHarness> txn(TxnSpec spec) {
        return Transformer.mutate("txn " + spec, h -> {
            TxnRequest request = spec.resolve(h);
            long index = h.raftIndex();
            h.run("txn " + request, () -> h.engine().txn(index, request),
                    () -> h.model().txn(index, request));
        });
    }

    private static Transformer<ModelHarness> range(RangeSpec spec) {
        return Transformer.mutate("range " + spec, h -> {
            RangeRequest request = spec.resolve(h);
            h.run("range " + request, () -> h.engine().range(request),
                    () -> h.model().range(request));
        });
    }

    private static Transformer<ModelHarness> compact(int selector) {
        return Transformer.mutate("compact #" + selector, h -> {
            long revision = h.compactRevision(selector);
            long index = h.raftIndex();
            h.run("compact " + revision, () -> h.engine().compact(index, revision),
                    () -> h.model().compact(index, revision));
        });
    }

    private static Arbitrary<Transformer<ModelHarness>> events() {
        return Combinators.combine(Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(0, 1000), KEY_ARBITRARY, rangeEnds(),
                Arbitraries.of(true, false)).as((fromSelector, toSelector, key, end, prevKv) ->
                Transformer.mutate("events", h -> {
                    long low = Math.max(1, h.model().compacted());
                    long current = h.model().current();
                    long from = low + Math.floorMod(fromSelector, current - low + 1);
                    long to = from + Math.floorMod(toSelector, current + 2 - from);
                    h.run("events " + from + ".." + to + " " + key + " " + end + " " + prevKv,
                            () -> h.engine().events(from, to, key, end, prevKv),
                            () -> h.model().events(from, to, key, end, prevKv));
                }));
    }

    // ---- generators

    private static final Arbitrary<ByteString> KEY_ARBITRARY = Arbitraries.of(KEYS);

    private static Arbitrary<ByteString> rangeEnds() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(ByteString.EMPTY)),
                Tuple.of(2, Arbitraries.just(KeyRanges.FROM_KEY)),
                Tuple.of(3, KEY_ARBITRARY),
                Tuple.of(2, KEY_ARBITRARY.map(KeyRanges::prefixEnd)));
    }

    private static Arbitrary<ByteString> values() {
        return Arbitraries.of(b(""), b("v1"), b("v2"), b("w"));
    }

    private static Arbitrary<PutRequest> puts() {
        return Combinators.combine(KEY_ARBITRARY, values(), Arbitraries.longs().between(0, 2),
                Arbitraries.of(true, false)).as(PutRequest::new);
    }

    private static Arbitrary<DeleteRangeRequest> deletes() {
        return Combinators.combine(KEY_ARBITRARY, rangeEnds(), Arbitraries.of(true, false))
                .as(DeleteRangeRequest::new);
    }

    private static Arbitrary<RangeSpec> ranges() {
        return Combinators.combine(KEY_ARBITRARY, rangeEnds(),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1000),
                Arbitraries.of(SortTarget.class), Arbitraries.of(SortOrder.class),
                Arbitraries.of(true, false), Arbitraries.of(true, false)).as(RangeSpec::new);
    }

    private static Arbitrary<Compare> compares() {
        return Combinators.combine(KEY_ARBITRARY,
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(ByteString.EMPTY)),
                        Tuple.of(1, rangeEnds())),
                Arbitraries.of(Target.class), Arbitraries.of(Result.class),
                Arbitraries.longs().between(0, 12), values())
                .as((key, end, target, result, number, value) -> target == Target.VALUE
                        ? new Compare(key, end, target, result, 0, value)
                        : new Compare(key, end, target, result, number, ByteString.EMPTY));
    }

    private static Arbitrary<OpSpec> ops(int depth) {
        List<Arbitrary<? extends OpSpec>> choices = new ArrayList<>(List.of(
                puts().map(Fixed::new), deletes().map(Fixed::new), ranges()));
        if (depth > 0) {
            choices.add(txns(depth - 1));
        }
        return Arbitraries.oneOf(choices);
    }

    private static Arbitrary<TxnSpec> txns(int depth) {
        Arbitrary<List<OpSpec>> branch = ops(depth).list().ofMaxSize(3);
        return Combinators.combine(compares().list().ofMaxSize(2), branch, branch)
                .as(TxnSpec::new);
    }

    // ---- requests whose revisions depend on the state they run in

    private sealed interface OpSpec permits Fixed, RangeSpec, TxnSpec {
        TxnOp resolve(ModelHarness harness);
    }

    private record Fixed(TxnOp op) implements OpSpec {
        @Override
        public TxnOp resolve(ModelHarness harness) {
            return op;
        }
    }

    private record RangeSpec(ByteString key, ByteString end, int limit, int revisionSelector,
            SortTarget target, SortOrder order, boolean keysOnly, boolean countOnly)
            implements OpSpec {
        @Override
        public RangeRequest resolve(ModelHarness harness) {
            return new RangeRequest(key, end, limit, harness.readRevision(revisionSelector),
                    target, order, keysOnly, countOnly);
        }
    }

    private record TxnSpec(List<Compare> compares, List<OpSpec> success, List<OpSpec> failure)
            implements OpSpec {
        @Override
        public TxnRequest resolve(ModelHarness harness) {
            return new TxnRequest(compares,
                    success.stream().map(op -> op.resolve(harness)).toList(),
                    failure.stream().map(op -> op.resolve(harness)).toList());
        }
    }
}
