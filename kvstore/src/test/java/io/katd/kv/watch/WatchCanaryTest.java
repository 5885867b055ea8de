package io.katd.kv.watch;

import static io.katd.kv.watch.WatchFixture.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.katd.kv.watch.WatchFixture.Watched;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * VERIFY.md section 4, item 7: the watch checker must catch a hub that re-sends or skips events
 * after a reconnect. The same reconnect scenario runs with each planted bug and without: the
 * checker must fail on every canary and pass on the real hub.
 */
class WatchCanaryTest {

    @ParameterizedTest
    @EnumSource(Canary.class)
    void theCheckerCatchesEveryCanaryAndPassesTheRealHub(Canary canary) {
        WatchFixture f = reconnectScenario(canary);
        String violation = firstViolation(f);

        switch (canary) {
            case NONE -> assertThat(violation).isNull();
            case RESEND_AFTER_CATCH_UP -> assertThat(violation).contains("revision 6 delivered"
                    + " after revision 6");
            case SKIP_AFTER_CATCH_UP -> assertThat(violation)
                    .contains("gap: revision 7 missing before revision 8");
            default -> throw new AssertionError(canary);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Canary.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void checkAllFailsTheRunOnEveryCanary(Canary canary) {
        WatchFixture f = reconnectScenario(canary);

        assertThatCode(f::checkAll).isInstanceOf(AssertionError.class)
                .hasMessageContaining("violates the watch guarantees");
    }

    /**
     * A client watched revisions 2..3, lost its stream, and reconnects from revision 4 while
     * revisions 4..6 are history; then live writes follow.
     */
    private static WatchFixture reconnectScenario(Canary canary) {
        WatchFixture f = new WatchFixture(WatchFixture.config(100, 100), canary);
        Watched before = f.watch(WatchRequest.key(b("a")).withPrevKv());
        f.settle();
        for (int i = 0; i < 5; i++) {
            f.put("a", "v" + i);
        }
        f.settle();
        f.hub.cancel(before.id());
        List<Long> seen = before.listener().eventRevisions().subList(0, 2);
        f.watch(WatchRequest.key(b("a")).withPrevKv().fromRevision(seen.get(1) + 1));
        f.settle();
        f.put("a", "live 1");
        f.put("a", "live 2");
        f.settle();
        return f;
    }

    private static String firstViolation(WatchFixture f) {
        WatchStreamChecker checker = f.checker();
        for (Watched w : f.watches) {
            String violation = checker.findViolation(w.request(), w.responses(), true);
            if (violation != null) {
                return violation;
            }
        }
        return null;
    }
}
