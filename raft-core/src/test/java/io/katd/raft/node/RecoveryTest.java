package io.katd.raft.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfChangeSingle;
import io.katd.proto.raft.ConfChangeType;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.EntryType;
import io.katd.proto.raft.HardState;
import io.katd.raft.Ready;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecoveryTest {
    private static final ConfState VOTERS = ConfState.newBuilder().addVoters(1).addVoters(2)
            .addVoters(3).build();

    @Test
    void resumesAtTheStateMachinesIndexWithTheConfigurationInForceThere() throws IOException {
        MemoryDurableLog log = new MemoryDurableLog();
        log.bootstrap(VOTERS);
        persist(log, HardState.newBuilder().setTerm(2).setCommit(5).build(), true,
                normal(2), learner(3, 4), normal(4), learner(5, 5));
        // A commit-only hard state is written without sync and lost in the crash.
        persist(log, HardState.newBuilder().setTerm(2).setCommit(5).build(), false);
        TestStateMachine sm = new TestStateMachine(new Await());
        sm.restore(4, ByteString.EMPTY);

        Recovery.Recovered rec = Recovery.recover(1, log.reopen(), sm);
        assertThat(rec.applied()).isEqualTo(4);
        assertThat(rec.snapshotIndex()).isEqualTo(1);
        // The change at 3 is applied; the one at 5 is not, and will be applied on delivery.
        assertThat(rec.confState().getLearnersList()).containsExactly(4L);
        assertThat(rec.storage().initialState().confState()).isEqualTo(rec.confState());
        // Only the test's own restore: the state machine was ahead of the snapshot.
        assertThat(sm.restores()).isEqualTo(1);
    }

    @Test
    void raisesALaggingDurableCommitIndexToTheAppliedIndex() throws IOException {
        MemoryDurableLog log = new MemoryDurableLog();
        log.bootstrap(VOTERS);
        persist(log, HardState.newBuilder().setTerm(2).setCommit(1).build(), true,
                normal(2), normal(3));
        TestStateMachine sm = new TestStateMachine(new Await());
        sm.restore(3, ByteString.EMPTY);
        Recovery.Recovered rec = Recovery.recover(1, log, sm);
        assertThat(rec.storage().initialState().hardState().getCommit()).isEqualTo(3);
        assertThat(rec.storage().initialState().hardState().getTerm()).isEqualTo(2);
    }

    @Test
    void restoresAStateMachineThatIsBehindTheSnapshot() throws IOException {
        MemoryDurableLog log = new MemoryDurableLog();
        log.bootstrap(VOTERS);
        persist(log, HardState.newBuilder().setTerm(2).setCommit(3).build(), true,
                normal(2), normal(3));
        log.createSnapshot(3, VOTERS, ByteString.copyFromUtf8("a\nb"));
        TestStateMachine sm = new TestStateMachine(new Await());
        Recovery.Recovered rec = Recovery.recover(1, log, sm);
        assertThat(rec.applied()).isEqualTo(3);
        assertThat(sm.values()).containsExactly("a", "b");
        assertThat(sm.appliedIndex()).isEqualTo(3);
    }

    @Test
    void refusesAStateMachineAheadOfTheLog() throws IOException {
        MemoryDurableLog log = new MemoryDurableLog();
        log.bootstrap(VOTERS);
        TestStateMachine sm = new TestStateMachine(new Await());
        sm.restore(9, ByteString.EMPTY);
        assertThatThrownBy(() -> Recovery.recover(1, log, sm))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("applied index 9 is beyond the durable log's last index 1");
    }

    private static void persist(MemoryDurableLog log, HardState hs, boolean sync,
            Entry... entries) throws IOException {
        log.persist(new Ready(Optional.empty(), Optional.of(hs), List.of(), List.of(entries),
                Optional.empty(), List.of(), List.of(), sync));
    }

    private static Entry normal(long index) {
        return Entry.newBuilder().setIndex(index).setTerm(2).setData(Envelopes.wrap(1, 7,
                index, ByteString.copyFromUtf8("v" + index))).build();
    }

    private static Entry learner(long index, long id) {
        ConfChangeV2 cc = ConfChangeV2.newBuilder().addChanges(ConfChangeSingle.newBuilder()
                .setType(ConfChangeType.ConfChangeAddLearnerNode).setNodeId(id)).build();
        return Entry.newBuilder().setIndex(index).setTerm(2)
                .setType(EntryType.EntryConfChangeV2).setData(cc.toByteString()).build();
    }
}
