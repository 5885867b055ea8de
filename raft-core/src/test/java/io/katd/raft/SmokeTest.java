package io.katd.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void threeNodesElectAndReplicate() {
        MemoryCluster c = new MemoryCluster(3, 1, b -> b);
        c.node(1).campaign();
        c.stabilize();
        assertThat(c.node(1).status().softState().raftState()).isEqualTo(StateType.LEADER);
        assertThat(c.node(1).propose(ByteString.copyFromUtf8("x"))).isTrue();
        c.stabilize();
        for (long id = 1; id <= 3; id++) {
            assertThat(c.applied.get(id)).hasSize(2);
            assertThat(c.applied.get(id).get(1).getData().toStringUtf8()).isEqualTo("x");
        }
    }
}
