package io.katd.kv.watch;

import static io.katd.kv.watch.WatchFixture.b;

import io.katd.kv.mvcc.KeyRanges;
import io.katd.kv.watch.WatchRun.WatchSpec;
import io.katd.kv.watch.WatchRun.WriteSpec;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random writes (puts, deletes, multi-op transactions) interleaved with watches started at
 * random revisions (past, now, future, compacted), compactions, cancels, progress requests,
 * listeners that stop and resume, and apply and delivery tasks run in random amounts; with
 * small buffers and small catch-up budgets, so that overflows and catch-ups interleave with
 * writes. At the end every stream must equal the ground truth for its range from its start
 * revision (or be a correct prefix, if it was cancelled, for compaction only when needed).
 */
class WatchProperties {

    private static final List<String> KEYS = List.of("a", "ab", "b", "ba", "c");
    private static final List<WatchRequest> RANGES = List.of(
            WatchRequest.key(b("a")),
            WatchRequest.key(b("ba")),
            WatchRequest.prefix(b("a")),
            WatchRequest.range(b("ab"), b("ba")),
            WatchRequest.prefix(b("")),
            WatchRequest.range(b("b"), KeyRanges.FROM_KEY));

    private final List<WatchRun> runs = new ArrayList<>();

    @Property(tries = 400, seed = "4017356628190233")
    void everyStreamIsTheHistoryOfItsRange(@ForAll("runs") ActionChain<WatchRun> chain) {
        WatchRun run = chain.run();
        run.settleAndCheck();
        run.outcomes.forEach(outcome -> Statistics.label("outcomes").collect(outcome));
        Statistics.label("outcomes").coverage(coverage -> {
            for (String outcome : List.of("live", "cancelled COMPACTED", "cancelled CLIENT",
                    "overflowed", "caught up", "progress")) {
                coverage.check(outcome).count(count -> count > 0);
            }
        });
    }

    // Also after the property: jqwik's shrinking runs chains outside of the regular tries.
    @AfterTry
    @AfterProperty
    void closeRuns() {
        runs.forEach(WatchRun::close);
        runs.clear();
    }

    @Provide
    Arbitrary<ActionChain<WatchRun>> runs() {
        Arbitrary<WatchConfig> configs = Combinators.combine(
                Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 5),
                Arbitraries.integers().between(1, 3))
                .as((events, revisions, drains) ->
                        new WatchConfig(events, 1 << 20, revisions, drains));
        return configs.flatMap(config -> ActionChain.<WatchRun>startWith(() -> {
                    WatchRun run = new WatchRun(config);
                    runs.add(run);
                    return run;
                })
                .withAction(6, independent(writes().map(WatchProperties::write)))
                .withAction(3, independent(txns()))
                .withAction(3, independent(watches().map(WatchProperties::watch)))
                .withAction(1, independent(selectors().map(s ->
                        Transformer.mutate("compact #" + s, run -> run.compact(s)))))
                .withAction(4, independent(Arbitraries.integers().between(1, 4).map(n ->
                        Transformer.mutate("run " + n + " apply tasks",
                                run -> run.f.apply.run(n)))))
                .withAction(4, independent(Arbitraries.integers().between(1, 6).map(n ->
                        Transformer.mutate("run " + n + " delivery tasks",
                                run -> run.f.delivery.run(n)))))
                .withAction(2, independent(selectors().map(s ->
                        Transformer.mutate("toggle listener #" + s, run -> run.toggleReady(s)))))
                .withAction(1, independent(selectors().map(s ->
                        Transformer.mutate("cancel #" + s, run -> run.cancel(s)))))
                .withAction(1, Action.just(Transformer.mutate("progress notify",
                        run -> run.f.hub.progressNotify())))
                .withMaxTransformations(60));
    }

    private static Action.Independent<WatchRun> independent(
            Arbitrary<Transformer<WatchRun>> transformers) {
        return () -> transformers;
    }

    private static Transformer<WatchRun> write(WriteSpec spec) {
        return Transformer.mutate(spec.toString(), run -> run.write(spec));
    }

    private static Transformer<WatchRun> watch(WatchSpec spec) {
        return Transformer.mutate(spec.toString(), run -> run.watch(spec));
    }

    private static Arbitrary<Transformer<WatchRun>> txns() {
        Arbitrary<List<WriteSpec>> branch = writes().list().ofMinSize(1).ofMaxSize(4);
        return Combinators.combine(Arbitraries.of(KEYS), branch, branch)
                .as((guard, success, failure) -> Transformer.mutate(
                        "txn if " + guard + " is absent then " + success + " else " + failure,
                        run -> run.txn(guard, success, failure)));
    }

    private static Arbitrary<WriteSpec> writes() {
        return Combinators.combine(Arbitraries.of(KEYS),
                Arbitraries.integers().between(0, 9).map(n -> n < 3),
                Arbitraries.of(true, false), Arbitraries.integers().between(0, 99))
                .as(WriteSpec::new);
    }

    private static Arbitrary<WatchSpec> watches() {
        Arbitrary<Boolean> rarely = Arbitraries.integers().between(0, 4).map(n -> n == 0);
        Arbitrary<Boolean> often = Arbitraries.of(true, false);
        return Combinators.combine(Arbitraries.of(RANGES), Arbitraries.integers().between(0, 3),
                selectors(), often, rarely, rarely, often, Arbitraries.of(false, false, true))
                .as(WatchSpec::new);
    }

    private static Arbitrary<Integer> selectors() {
        return Arbitraries.integers().between(0, 1000);
    }
}
