package io.katd.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The simulator's building blocks: the disk's fsync gap, partitions, the log mirror. */
class SimulationPartsTest {
    private static Disk.Image image(long commit) {
        return new Disk.Image(HardState.newBuilder().setTerm(1).setCommit(commit).build(),
                StateMachine.empty());
    }

    @Test
    void aCrashKeepsSyncedWritesAndSomePrefixOfTheOthers() {
        for (long seed = 0; seed < 50; seed++) {
            Disk disk = new Disk(image(1), true);
            disk.write(image(2), true);
            disk.write(image(3), false);
            disk.write(image(4), false);
            disk.crash(new SplittableRandom(seed), 1.0);
            assertThat(disk.synced().hardState().getCommit()).isBetween(2L, 3L);
            assertThat(disk.written()).isEqualTo(disk.synced());
        }
        Disk kept = new Disk(image(1), true);
        kept.write(image(2), false);
        assertThat(kept.crash(new SplittableRandom(1), 0.0)).isFalse();
        assertThat(kept.synced().hardState().getCommit()).isEqualTo(2);
        Disk canary = new Disk(image(1), false);
        canary.write(image(2), true);
        canary.crash(new SplittableRandom(1), 1.0);
        assertThat(canary.synced().hardState().getCommit()).isEqualTo(1);
    }

    @Test
    void aMajorityRingLetsEachNodeHearOnlyItsTwoNeighbours() {
        List<Long> ids = List.of(1L, 2L, 3L, 4L, 5L);
        Partition p = Partition.create(Partition.Kind.MAJORITY_RING, ids, 0,
                new SplittableRandom(3));
        for (long a : ids) {
            long reachable = ids.stream().filter(b -> b != a && !p.blocks(a, b)).count();
            assertThat(reachable).isEqualTo(2);
        }
    }

    @Test
    void partitionsCutWhatTheirKindSays() {
        List<Long> ids = List.of(1L, 2L, 3L, 4L, 5L);
        Partition isolated = Partition.create(Partition.Kind.ISOLATE_LEADER, ids, 4,
                new SplittableRandom(1));
        for (long other : List.of(1L, 2L, 3L, 5L)) {
            assertThat(isolated.blocks(4, other) && isolated.blocks(other, 4)).isTrue();
            assertThat(isolated.blocks(other, other == 1 ? 2 : 1)).isFalse();
        }
        Partition bridge = Partition.create(Partition.Kind.BRIDGE, ids, 0,
                new SplittableRandom(2));
        long bridges = ids.stream().filter(a -> ids.stream()
                .noneMatch(b -> bridge.blocks(a, b) || bridge.blocks(b, a))).count();
        assertThat(bridges).isEqualTo(1);
        Partition oneWay = Partition.create(Partition.Kind.ONE_WAY, ids, 0,
                new SplittableRandom(5));
        long asymmetric = ids.stream().flatMap(a -> ids.stream()
                .filter(b -> oneWay.blocks(a, b) && !oneWay.blocks(b, a))).count();
        assertThat(asymmetric).isEqualTo(4);
        assertThat(Partition.create(Partition.Kind.CLOG, ids, 0, new SplittableRandom(1))
                .holds()).isTrue();
    }

    @Test
    void theLogMirrorChainsTruncatesAndCompacts() {
        LogMirror log = new LogMirror(1, 1, Hashes.GENESIS);
        long h2 = Hashes.chain(Hashes.GENESIS, Entry.newBuilder().setIndex(2).setTerm(2).build());
        long h3 = Hashes.chain(h2, Entry.newBuilder().setIndex(3).setTerm(2).build());
        log.put(2, 2, h2);
        log.put(3, 2, h3);
        assertThat(log.hashAt(3)).isEqualTo(h3);
        log.put(3, 3, h2);
        assertThat(log.lastIndex()).isEqualTo(3);
        assertThat(log.termAt(3)).isEqualTo(3);
        log.compact(2);
        assertThat(log.base()).isEqualTo(2);
        assertThat(log.hashAt(2)).isEqualTo(h2);
        assertThat(log.hashAt(1)).isEqualTo(LogMirror.ABSENT);
        log.resetTo(7, 4, h3);
        assertThat(log.lastIndex()).isEqualTo(7);
        assertThat(log.hashAt(7)).isEqualTo(h3);
    }

    @Test
    void aSnapshotCarriesTheWholeStateMachine() {
        StateMachine sm = StateMachine.genesis(ConfState.newBuilder().addVoters(1).build())
                .apply(Entry.newBuilder().setIndex(2).setTerm(2).build());
        io.katd.proto.raft.Snapshot snap = io.katd.proto.raft.Snapshot.newBuilder()
                .setData(sm.encode())
                .setMetadata(io.katd.proto.raft.SnapshotMetadata.newBuilder().setIndex(2)
                        .setTerm(2).setConfState(sm.confState()))
                .build();
        assertThat(StateMachine.fromSnapshot(snap)).isEqualTo(sm);
    }
}
