package io.katd.kv;

import static io.katd.kv.KvCluster.b;
import static io.katd.kv.Waits.failure;
import static io.katd.kv.Waits.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.kv.sm.Canaries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deposed leader (term T) can never write after its successor (term T+1): its stranded
 * entry is overwritten, and a write it makes later is forwarded into term T+1 and rejected by
 * the fence check.
 */
class FencingTest {
    @TempDir
    Path dir;

    @Test
    void aDeposedLeaderCannotWriteAfterItsSuccessor() {
        try (KvCluster c = KvCluster.inMemory(21, dir)) {
            deposedLeaderScenario(c);
        }
    }

    @Test
    void theScenarioCatchesTheFenceCanary() {
        try (KvCluster c = KvCluster.inMemory(22, dir)) {
            for (long id : KvCluster.IDS) {
                Canaries.acceptFencedWritesFromAnyTerm(c.machine(id));
            }
            assertThatThrownBy(() -> deposedLeaderScenario(c)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("future succeeded");
        }
    }

    private static void deposedLeaderScenario(KvCluster c) {
        Leadership old = get(c.store(1).campaign("old", Duration.ofSeconds(30)));
        c.network.isolate(1, 2, 3);
        // Appended to the isolated leader's log in term T; it cannot commit.
        CompletableFuture<Long> stranded = old.put(b("/fenced"), b("stranded"));
        c.setSpeed(50, 2, 3);
        long successor = c.awaitLeaderAmong(2, 3);
        c.setSpeed(1, 2, 3);
        long successorTerm = c.term(successor);
        assertThat(successorTerm).isGreaterThan(old.term());
        get(c.store(successor).put(b("/fenced"), b("successor")));
        c.network.heal();
        c.awaitLeader(successor, KvCluster.IDS);
        get(old.lost());
        assertThat(failure(stranded)).isInstanceOf(StoreTimeoutException.class);
        // Now a follower, node 1 forwards the write into term T+1, where its fence fails.
        Throwable late = failure(old.put(b("/fenced"), b("late")));
        assertThat(late).isInstanceOf(FencedWriteException.class);
        for (long id : KvCluster.IDS) {
            assertThat(get(c.store(id).get(b("/fenced"))).orElseThrow().value())
                    .isEqualTo(b("successor"));
        }
    }
}
