package io.katd.raft.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.raft.Ready;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MemoryDurableLogTest {
    private static final ConfState VOTERS = ConfState.newBuilder().addVoters(1).addVoters(2)
            .build();

    @Test
    void bootstrapStoresTheConfigurationInASnapshotAtIndexOne() throws IOException {
        MemoryDurableLog log = new MemoryDurableLog();
        assertThat(log.isEmpty()).isTrue();
        log.bootstrap(VOTERS);
        assertThat(log.isEmpty()).isFalse();
        assertThat(log.snapshot().getMetadata().getIndex()).isEqualTo(1);
        assertThat(log.term(1)).isEqualTo(1);
        assertThat(log.firstIndex()).isEqualTo(2);
        assertThat(log.lastIndex()).isEqualTo(1);
        assertThat(log.initialState().confState()).isEqualTo(VOTERS);
        assertThat(log.initialState().hardState())
                .isEqualTo(HardState.newBuilder().setTerm(1).setCommit(1).build());
        assertThatThrownBy(() -> log.bootstrap(VOTERS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not empty");
        assertThat(log.reopen().snapshot()).isEqualTo(log.snapshot());
    }

    @Test
    void aCrashLosesExactlyTheUnsyncedWrites() throws IOException {
        MemoryDurableLog log = new MemoryDurableLog();
        log.bootstrap(VOTERS);
        log.persist(ready(hs(2, 3), List.of(entry(2, 2), entry(3, 2)), true));
        log.persist(ready(hs(2, 3), List.of(entry(4, 2)), false));
        assertThat(log.lastIndex()).isEqualTo(4);
        assertThat(log.unsyncedWrites()).isEqualTo(1);

        MemoryDurableLog reopened = log.reopen();
        assertThat(reopened.lastIndex()).isEqualTo(3);
        assertThat(reopened.initialState().hardState()).isEqualTo(hs(2, 3));

        // A later synced write makes the earlier unsynced one durable too.
        log.persist(ready(hs(3, 4), List.of(entry(5, 3)), true));
        assertThat(log.reopen().lastIndex()).isEqualTo(5);
        assertThat(log.reopen().initialState().hardState()).isEqualTo(hs(3, 4));
    }

    @Test
    void newEntriesReplaceAConflictingTail() throws IOException {
        MemoryDurableLog log = new MemoryDurableLog();
        log.bootstrap(VOTERS);
        log.persist(ready(hs(2, 1), List.of(entry(2, 2), entry(3, 2), entry(4, 2)), true));
        log.persist(ready(hs(3, 1), List.of(entry(3, 3)), true));
        assertThat(log.lastIndex()).isEqualTo(3);
        assertThat(log.term(3)).isEqualTo(3);
        assertThat(log.reopen().term(3)).isEqualTo(3);
    }

    @Test
    void snapshotsAndCompactionAreDurableAndCompactionStopsAtTheSnapshot()
            throws IOException {
        MemoryDurableLog log = new MemoryDurableLog();
        log.bootstrap(VOTERS);
        log.persist(ready(hs(2, 5), List.of(entry(2, 2), entry(3, 2), entry(4, 2),
                entry(5, 2)), true));
        log.createSnapshot(4, VOTERS, ByteString.copyFromUtf8("state@4"));
        assertThatThrownBy(() -> log.compact(5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beyond the latest snapshot's index 4");
        log.compact(3);
        assertThat(log.firstIndex()).isEqualTo(4);

        MemoryDurableLog reopened = log.reopen();
        assertThat(reopened.firstIndex()).isEqualTo(4);
        assertThat(reopened.lastIndex()).isEqualTo(5);
        assertThat(reopened.snapshot()).isEqualTo(log.snapshot());
        assertThat(reopened.snapshot().getData().toStringUtf8()).isEqualTo("state@4");
    }

    @Test
    void injectedFailuresFailEveryWrite() throws IOException {
        MemoryDurableLog log = new MemoryDurableLog();
        log.bootstrap(VOTERS);
        IOException broken = new IOException("broken");
        log.failWrites(broken);
        assertThatThrownBy(() -> log.persist(ready(hs(2, 1), List.of(entry(2, 2)), true)))
                .isSameAs(broken);
        assertThat(log.lastIndex()).isEqualTo(1);
        log.failWrites(null);
        log.persist(ready(hs(2, 1), List.of(entry(2, 2)), true));
        assertThat(log.lastIndex()).isEqualTo(2);
        log.close();
        assertThatThrownBy(() -> log.compact(1)).isInstanceOf(IOException.class);
    }

    private static HardState hs(long term, long commit) {
        return HardState.newBuilder().setTerm(term).setCommit(commit).build();
    }

    private static Entry entry(long index, long term) {
        return Entry.newBuilder().setIndex(index).setTerm(term).build();
    }

    private static Ready ready(HardState hs, List<Entry> entries, boolean sync) {
        return new Ready(Optional.empty(), Optional.of(hs), List.of(), entries, Optional.empty(),
                List.of(), List.of(), sync);
    }
}
