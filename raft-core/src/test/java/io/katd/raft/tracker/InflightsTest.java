package io.katd.raft.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InflightsTest {

    @Test
    void fillsUpByCount() {
        Inflights in = new Inflights(3, 0);
        in.add(1, 100);
        in.add(2, 100);
        assertThat(in.full()).isFalse();
        in.add(3, 100);
        assertThat(in.full()).isTrue();
        assertThat(in.count()).isEqualTo(3);
        assertThat(in.bytes()).isEqualTo(300);
    }

    @Test
    void addingToAFullWindowIsABug() {
        Inflights in = new Inflights(2, 0);
        in.add(1, 0);
        in.add(2, 0);
        assertThatThrownBy(() -> in.add(3, 0)).isInstanceOf(IllegalStateException.class);
        assertThat(in.count()).isEqualTo(2);
    }

    @Test
    void fillsUpByBytesBeforeTheCountLimit() {
        Inflights in = new Inflights(10, 250);
        in.add(1, 100);
        in.add(2, 100);
        assertThat(in.full()).isFalse();
        // The message that crosses the limit is still sent: the limit is checked before.
        in.add(3, 100);
        assertThat(in.full()).isTrue();
        assertThat(in.bytes()).isEqualTo(300);
        assertThatThrownBy(() -> in.add(4, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void reachingTheByteLimitExactlyIsFull() {
        Inflights in = new Inflights(10, 200);
        in.add(1, 100);
        in.add(2, 100);
        assertThat(in.full()).isTrue();
    }

    @Test
    void zeroByteLimitMeansOnlyTheCountLimits() {
        Inflights in = new Inflights(2, 0);
        in.add(1, Long.MAX_VALUE / 4);
        assertThat(in.full()).isFalse();
    }

    @Test
    void indexesMustIncrease() {
        Inflights in = new Inflights(4, 0);
        in.add(5, 0);
        assertThatThrownBy(() -> in.add(5, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> in.add(4, 0)).isInstanceOf(IllegalStateException.class);
        assertThat(in.count()).isEqualTo(1);
    }

    @Test
    void freeLEFreesEveryMessageUpToTheIndex() {
        Inflights in = new Inflights(5, 0);
        for (long i = 1; i <= 5; i++) {
            in.add(i * 10, i);
        }
        in.freeLE(25);
        assertThat(in.count()).isEqualTo(3);
        assertThat(in.bytes()).isEqualTo(3 + 4 + 5);
        assertThat(in.full()).isFalse();

        in.freeLE(25);
        assertThat(in.count()).isEqualTo(3);
        in.freeLE(5);
        assertThat(in.count()).isEqualTo(3);

        in.freeLE(50);
        assertThat(in.count()).isZero();
        assertThat(in.bytes()).isZero();
    }

    @Test
    void ringBufferWrapsAround() {
        Inflights in = new Inflights(3, 0);
        long next = 1;
        // Fill, free two, refill, many times: slots are reused past the array end.
        for (int round = 0; round < 5; round++) {
            while (!in.full()) {
                in.add(next++, 1);
            }
            assertThat(in.count()).isEqualTo(3);
            in.freeLE(next - 2);
            assertThat(in.count()).isEqualTo(1);
            assertThat(in.bytes()).isEqualTo(1);
        }
        in.freeLE(next - 2);
        assertThat(in.count()).isEqualTo(1);
        in.freeLE(next - 1);
        assertThat(in.count()).isZero();
    }

    @Test
    void freeFirstOneFreesOnlyTheOldest() {
        Inflights in = new Inflights(3, 0);
        in.add(1, 10);
        in.add(2, 20);
        in.add(3, 30);
        in.freeFirstOne();
        assertThat(in.count()).isEqualTo(2);
        assertThat(in.bytes()).isEqualTo(50);
        assertThat(in.full()).isFalse();
        in.freeFirstOne();
        in.freeFirstOne();
        in.freeFirstOne();
        assertThat(in.count()).isZero();
    }

    @Test
    void resetEmptiesTheWindow() {
        Inflights in = new Inflights(2, 0);
        in.add(1, 5);
        in.add(2, 5);
        in.reset();
        assertThat(in.count()).isZero();
        assertThat(in.bytes()).isZero();
        in.add(1, 5);
        assertThat(in.count()).isEqualTo(1);
    }

    @Test
    void copyIsIndependent() {
        Inflights in = new Inflights(3, 0);
        in.add(1, 5);
        Inflights c = in.copy();
        in.add(2, 5);
        c.freeLE(1);
        assertThat(in.count()).isEqualTo(2);
        assertThat(c.count()).isZero();
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> new Inflights(0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Inflights(1, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
