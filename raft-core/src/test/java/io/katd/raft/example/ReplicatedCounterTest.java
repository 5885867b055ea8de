package io.katd.raft.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicatedCounterTest {

    @Test
    void everyNodeReadsTheSumOfAllIncrements() throws Exception {
        Map<Long, Long> values = ReplicatedCounter.run();
        assertThat(values).containsOnlyKeys(1L, 2L, 3L).allSatisfy((id, v) ->
                assertThat(v).isEqualTo(12));
    }

    @Test
    void mainRunsToCompletion() throws Exception {
        ReplicatedCounter.main(new String[0]);
    }

    @Test
    void snapshotRoundTripsTheValue() {
        ReplicatedCounter a = new ReplicatedCounter();
        a.apply(2, ReplicatedCounter.add(40));
        assertThat(a.apply(3, ReplicatedCounter.add(2))).isEqualTo(42);
        ReplicatedCounter b = new ReplicatedCounter();
        b.restore(3, a.snapshot());
        assertThat(b.value()).isEqualTo(42);
        assertThat(b.appliedIndex()).isEqualTo(3);
        b.restore(1, ByteString.EMPTY);
        assertThat(b.value()).isZero();
    }
}
