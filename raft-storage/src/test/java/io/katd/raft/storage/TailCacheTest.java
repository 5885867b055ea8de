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
        c.append(ents.subList(0, 150));
        c.append(ents.subList(150, 300));
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
        c.append(ents);
        c.truncateFrom(61);
        assertThat(c.lastIndex()).isEqualTo(60);
        c.dropThrough(10);
        assertThat(c.firstIndex()).isEqualTo(11);
        assertThat(c.sizeBytes()).isEqualTo(bytes(ents.subList(10, 60)));
        List<Entry> replacement = entries(61, 70, 2);
        c.append(replacement);
        assertThat(c.get(61)).isEqualTo(replacement.get(0));
        assertThatThrownBy(() -> c.append(entries(80, 80, 2)))
                .isInstanceOf(IllegalArgumentException.class);
        c.truncateFrom(5);
        assertThat(c.isEmpty()).isTrue();
        assertThat(c.sizeBytes()).isZero();
        c.append(entries(5, 6, 3));
        assertThat(c.firstIndex()).isEqualTo(5);
    }

    @Test
    void aZeroBoundCachesNothing() {
        TailCache c = new TailCache(0);
        c.append(entries(1, 10, 1));
        assertThat(c.isEmpty()).isTrue();
        assertThat(c.sizeBytes()).isZero();
    }
}
