package io.katd.raft.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delaysDoubleWithJitterUpToTheMaximum() {
        Backoff b = new Backoff(100, 1_000, new SplittableRandom(1));
        long[] steps = {100, 200, 400, 800, 1_000, 1_000, 1_000};
        for (long step : steps) {
            long d = b.nextDelayMillis();
            assertThat(d).as("a delay of step %d", step).isBetween(step - step / 2, step);
        }
    }

    @Test
    void resetStartsAgainFromTheMinimum() {
        Backoff b = new Backoff(50, 2_000, new SplittableRandom(2));
        for (int i = 0; i < 10; i++) {
            b.nextDelayMillis();
        }
        b.reset();
        assertThat(b.nextDelayMillis()).isBetween(25L, 50L);
    }

    @Test
    void sameSeedGivesTheSameDelays() {
        List<Long> first = delays(new Backoff(10, 5_000, new SplittableRandom(7)));
        List<Long> second = delays(new Backoff(10, 5_000, new SplittableRandom(7)));
        assertThat(first).isEqualTo(second);
    }

    @Test
    void rejectsAMinimumAboveTheMaximum() {
        assertThatThrownBy(() -> new Backoff(10, 5, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minMillis (10)").hasMessageContaining("maxMillis (5)");
    }

    private static List<Long> delays(Backoff b) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            out.add(b.nextDelayMillis());
        }
        return out;
    }
}
