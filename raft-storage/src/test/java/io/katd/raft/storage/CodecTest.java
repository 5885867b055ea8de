package io.katd.raft.storage;

import static io.katd.raft.storage.Logs.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.proto.raft.Entry;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CodecTest {

    @Test
    void indexKeysSortLikeIndexes() {
        byte[] a = Codec.indexKey(255);
        byte[] b = Codec.indexKey(256);
        assertThat(Arrays.compareUnsigned(a, b)).isNegative();
        assertThat(Codec.indexOf(b)).isEqualTo(256);
        assertThatThrownBy(() -> Codec.indexOf(new byte[7]))
                .isInstanceOf(Codec.BadValueException.class);
    }

    @Test
    void anEntryDecodesOnlyUnderItsOwnIndexAndWithItsChecksum() {
        Entry e = entry(42, 3);
        byte[] value = Codec.encodeEntry(e);
        assertThat(Codec.decodeEntry(42, value)).isEqualTo(e);
        assertThatThrownBy(() -> Codec.decodeEntry(43, value))
                .isInstanceOf(Codec.BadValueException.class)
                .hasMessageContaining("stored under index 43 says it is entry 42");
        for (int i = 0; i < value.length; i++) {
            byte[] flipped = value.clone();
            flipped[i] ^= 0x10;
            assertThatThrownBy(() -> Codec.decodeEntry(42, flipped))
                    .isInstanceOf(Codec.BadValueException.class)
                    .hasMessageContaining("CRC32C mismatch");
        }
        assertThatThrownBy(() -> Codec.decodeEntry(42, new byte[3]))
                .isInstanceOf(Codec.BadValueException.class).hasMessageContaining("too short");
    }

    @Test
    void longsRoundTripAndRefuseAnotherWidth() {
        byte[] v = Codec.encodeLongs(7, -1);
        assertThat(Codec.decodeLongs(v, 2)).containsExactly(7, -1);
        assertThatThrownBy(() -> Codec.decodeLongs(v, 1))
                .isInstanceOf(Codec.BadValueException.class);
    }
}
