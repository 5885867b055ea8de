package io.katd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LeaderViewTest {

    @Test
    void aLeaderAlreadyKnownIsReturnedAtOnce() throws Exception {
        LeaderView view = new LeaderView();
        view.onLeaderChange(3, 2);
        assertThat(view.awaitLeader(3, Duration.ZERO)).isTrue();
    }

    @Test
    void anotherLeaderOrNoneTimesOut() throws Exception {
        LeaderView view = new LeaderView();
        assertThat(view.awaitLeader(3, Duration.ofMillis(1))).isFalse();
        view.onLeaderChange(2, 5);
        assertThat(view.awaitLeader(3, Duration.ofMillis(1))).isFalse();
    }

    @Test
    void aWaiterWakesOnTheLeaderChangeItWaitsFor() throws Exception {
        LeaderView view = new LeaderView();
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Boolean> result = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try {
                return view.awaitLeader(7, Duration.ofMinutes(5));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        waiting.await();
        view.onLeaderChange(0, 3);
        view.onLeaderChange(7, 4);
        // Only the change to leader 7 can complete the wait before its five minutes.
        assertThat(result.get(1, TimeUnit.MINUTES)).isTrue();
    }
}
