package io.katd.kv.mvcc;

import static io.katd.kv.mvcc.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyRangesTest {

    @Test
    void prefixEndIncrementsTheLastByteBelowFf() {
        assertThat(KeyRanges.prefixEnd(b("abc"))).isEqualTo(b("abd"));
        assertThat(KeyRanges.prefixEnd(b('a', 0xff))).isEqualTo(b('b'));
        assertThat(KeyRanges.prefixEnd(b(0x7f))).isEqualTo(b(0x80));
    }

    @Test
    void prefixOfOnlyFfBytesHasNoEndAndMeansFromKey() {
        assertThat(KeyRanges.prefixEnd(b(0xff, 0xff))).isEqualTo(KeyRanges.FROM_KEY);
        assertThat(KeyRanges.prefixEnd(b(""))).isEqualTo(KeyRanges.FROM_KEY);
    }

    @Test
    void keyRangeContainsFollowsTheConventions() {
        KeyRange single = KeyRange.of(b("a"), b(""));
        assertThat(single.contains(b("a"))).isTrue();
        assertThat(single.contains(b("ab"))).isFalse();

        KeyRange fromKey = KeyRange.of(b("b"), KeyRanges.FROM_KEY);
        assertThat(fromKey.contains(b("a"))).isFalse();
        assertThat(fromKey.contains(b(0xff, 0xff))).isTrue();

        KeyRange bounded = KeyRange.of(b("b"), b("d"));
        assertThat(bounded.contains(b("b"))).isTrue();
        assertThat(bounded.contains(b("cz"))).isTrue();
        assertThat(bounded.contains(b("d"))).isFalse();

        KeyRange empty = KeyRange.of(b("d"), b("b"));
        assertThat(empty.contains(b("c"))).isFalse();
        assertThat(empty.contains(b("d"))).isFalse();
    }
}
