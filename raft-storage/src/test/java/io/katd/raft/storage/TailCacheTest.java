package io.katd.raft.storage;

import static io.katd.raft.storage.Logs.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.proto.raft.Entry;
import java.util.List;
import org.junit.jupiter.api.Test;

class TailCacheTest {

    private static long bytes(List<Entry> ents) {
        return ents.stream().mapToLong(Entry::getSerializedSize).sum();
    }

    @Test
    void evictsTheOldestEntriesBeyondTheByteBound() {
        List<Entry> ents = entries(1, 300, 1);
        TailCache c = new TailCache(bytes(ents.subList(200, 300)));
        c.append(ents.subList(0, 150), true);
        c.append(ents.subList(150, 300), true);
        assertThat(c.firstIndex()).isEqualTo(201);
        assertThat(c.lastIndex()).isEqualTo(300);
        assertThat(c.sizeBytes()).isEqualTo(bytes(ents.subList(200, 300)));
        for (long i = 201; i <= 300; i++) {
            assertThat(c.get(i)).isEqualTo(ents.get((int) i - 1));
        }
        assertThat(c.contains(200)).isFalse();
        assertThatThrownBy(() -> c.get(200)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void truncationAndCompactionKeepTheRunConsecutive() {
        List<Entry> ents = entries(1, 100, 1);
        TailCache c = new TailCache(Long.MAX_VALUE);
        c.append(ents, true);
        c.truncateFrom(61);
        assertThat(c.lastIndex()).isEqualTo(60);
        c.dropThrough(10);
        assertThat(c.firstIndex()).isEqualTo(11);
        assertThat(c.sizeBytes()).isEqualTo(bytes(ents.subList(10, 60)));
        List<Entry> replacement = entries(61, 70, 2);
        c.append(replacement, true);
        assertThat(c.get(61)).isEqualTo(replacement.get(0));
        assertThatThrownBy(() -> c.append(entries(80, 80, 2), true))
                .isInstanceOf(IllegalArgumentException.class);
        c.truncateFrom(5);
        assertThat(c.isEmpty()).isTrue();
        assertThat(c.sizeBytes()).isZero();
        c.append(entries(5, 6, 3), true);
        assertThat(c.firstIndex()).isEqualTo(5);
    }

    @Test
    void aZeroBoundCachesNothing() {
        TailCache c = new TailCache(0);
        c.append(entries(1, 10, 1), true);
        assertThat(c.isEmpty()).isTrue();
        assertThat(c.sizeBytes()).isZero();
    }

    @Test
    void knowsWhereTheStoredRunsStartAmongItsEntries() {
        TailCache c = new TailCache(Long.MAX_VALUE);
        // A run cut by compaction (no start cached), then runs 11..20 and 21..25.
        c.append(entries(5, 10, 1), false);
        c.append(entries(11, 20, 1), true);
        c.append(entries(21, 25, 1), true);
        assertThat(c.runStart(7)).isEqualTo(TailCache.NOT_CACHED);
        assertThat(c.runStart(10)).isEqualTo(TailCache.NOT_CACHED);
        assertThat(c.runStart(11)).isEqualTo(11);
        assertThat(c.runStart(17)).isEqualTo(11);
        assertThat(c.runStart(25)).isEqualTo(21);
        assertThatThrownBy(() -> c.runStart(26)).isInstanceOf(IllegalArgumentException.class);
        assertThat(c.range(19, 22)).isEqualTo(entries(19, 21, 1));

        // Truncated at 18: the head 11..17 is rewritten as its own run, then 18.. follow.
        c.truncateFrom(18);
        c.append(entries(18, 30, 2), true);
        assertThat(c.runStart(17)).isEqualTo(11);
        assertThat(c.runStart(25)).isEqualTo(18);
        // The head of the compacted run, rewritten from disk, starts a run too.
        c.markRunStart(5);
        c.markRunStart(4);
        assertThat(c.runStart(9)).isEqualTo(5);

        // Marks leave with their entries, and new entries are unmarked unless said so.
        c.dropThrough(12);
        assertThat(c.runStart(15)).isEqualTo(TailCache.NOT_CACHED);
        c.truncateFrom(14);
        c.append(entries(14, 200, 3), false);
        assertThat(c.runStart(150)).isEqualTo(TailCache.NOT_CACHED);
        c.clear();
        c.append(entries(1, 3, 1), false);
        assertThat(c.runStart(3)).isEqualTo(TailCache.NOT_CACHED);
    }

    @Test
    void runStartsSurviveTheRingWrappingAndGrowing() {
        List<Entry> ents = entries(1, 1000, 1);
        TailCache c = new TailCache(bytes(ents.subList(0, 50)));
        for (int from = 0; from < 1000; from += 7) {
            c.append(ents.subList(from, Math.min(from + 7, 1000)), true);
        }
        for (long i = c.firstIndex() + 7; i <= 1000; i++) {
            assertThat(c.runStart(i)).as("run start of %d", i).isEqualTo(1 + (i - 1) / 7 * 7);
        }
        TailCache growing = new TailCache(Long.MAX_VALUE);
        growing.append(ents.subList(0, 10), true);
        growing.dropThrough(5);
        growing.append(ents.subList(10, 500), true);
        assertThat(growing.runStart(8)).isEqualTo(TailCache.NOT_CACHED);
        assertThat(growing.runStart(400)).isEqualTo(11);
    }
}
