package io.katd.raft.storage;

import static io.katd.raft.storage.Logs.entries;
import static io.katd.raft.storage.Logs.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.proto.raft.Entry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {
    private static final Path DIR = Path.of("/the/log");

    @Test
    void indexKeysSortLikeIndexes() {
        byte[] a = Codec.indexKey(255);
        byte[] b = Codec.indexKey(256);
        assertThat(Arrays.compareUnsigned(a, b)).isNegative();
        assertThat(Codec.indexOf(b)).isEqualTo(256);
        assertThatThrownBy(() -> Codec.indexOf(new byte[7]))
                .isInstanceOf(Codec.BadValueException.class);
    }

    private static List<Entry> decodeAll(long key, byte[] value) {
        RunDecoder run = new RunDecoder(DIR, key, value);
        List<Entry> out = new ArrayList<>();
        while (run.hasNext()) {
            out.add(run.next());
        }
        return out;
    }

    @Test
    void aRunDecodesUnderTheKeyOfItsLastEntryAndCanBeEnteredAnywhere() {
        List<Entry> ents = entries(40, 49, 3);
        byte[] value = Codec.encodeRun(ents);
        assertThat(decodeAll(49, value)).isEqualTo(ents);
        RunDecoder run = new RunDecoder(DIR, 49, value);
        assertThat(run.firstIndex()).isEqualTo(40);
        assertThat(run.lastIndex()).isEqualTo(49);
        run.skipTo(47);
        assertThat(run.next()).isEqualTo(ents.get(7));
        run.skipTo(50);
        assertThat(run.hasNext()).isFalse();
        assertThatThrownBy(() -> run.skipTo(49)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(run::next).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRunUnderAnotherKeyIsRefusedByItsHeader() {
        byte[] value = Codec.encodeRun(entries(40, 49, 3));
        assertThatThrownBy(() -> new RunDecoder(DIR, 50, value))
                .isInstanceOf(CorruptLogException.class)
                .hasMessage("corrupt raft log in /the/log at index 50: the run stored under"
                        + " index 50 has a header for entries 40..49");
        assertThatThrownBy(() -> new RunDecoder(DIR, 39, value))
                .isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("header for entries 40..49");
    }

    @Test
    void everyByteOfARunIsCovered() {
        List<Entry> ents = entries(7, 9, 2);
        byte[] value = Codec.encodeRun(ents);
        // Any flipped bit is caught, by the header check or by an entry's checksum or
        // frame, whichever byte it lands in.
        for (int i = 0; i < value.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = value.clone();
                flipped[i] ^= (byte) (1 << bit);
                assertThatThrownBy(() -> decodeAll(9, flipped)).as("byte %d, bit %d", i, bit)
                        .isInstanceOf(CorruptLogException.class);
            }
        }
    }

    @Test
    void damagedRunsNameWhatIsWrongAndWhere() {
        List<Entry> ents = entries(7, 9, 2);
        byte[] value = Codec.encodeRun(ents);
        int secondAt = Codec.RUN_HEADER_BYTES + Codec.framedSize(ents.get(0));

        byte[] version = value.clone();
        version[0] = 9;
        assertThatThrownBy(() -> decodeAll(9, version))
                .hasMessageContaining("at index 9: the run value has layout version 9");

        byte[] count = value.clone();
        ByteBuffer.wrap(count).putInt(1 + Long.BYTES, 0);
        assertThatThrownBy(() -> decodeAll(9, count))
                .hasMessageContaining("the run header says it holds 0 entries from index 7");

        byte[] crc = value.clone();
        crc[secondAt + Codec.ENTRY_FRAME_BYTES + 3] ^= 1;
        assertThatThrownBy(() -> decodeAll(9, crc))
                .hasMessageContaining("at index 8: CRC32C mismatch");

        byte[] length = value.clone();
        ByteBuffer.wrap(length).putInt(secondAt, 1 << 20);
        assertThatThrownBy(() -> decodeAll(9, length))
                .hasMessageContaining("at index 8: the entry's length 1048576 runs past the end");

        byte[] trailing = Arrays.copyOf(value, value.length + 1);
        assertThatThrownBy(() -> decodeAll(9, trailing))
                .hasMessageContaining("at index 9: the run value has 1 bytes after its last");

        assertThatThrownBy(() -> decodeAll(9, Arrays.copyOf(value, value.length - 1)))
                .hasMessageContaining("at index 9: the entry's length");
        assertThatThrownBy(() -> decodeAll(9, new byte[5]))
                .hasMessageContaining("shorter than a run header");

        // A run whose entries carry other indexes than their places: a well-framed value
        // that holds entry 8 twice.
        byte[] swapped = Codec.encodeRun(List.of(entry(7, 2), entry(8, 2), entry(8, 2)));
        assertThatThrownBy(() -> decodeAll(9, swapped))
                .hasMessageContaining("at index 9: the run 7..9 holds entry 8 where entry 9");
    }

    @Test
    void runsAreCutAtTheSizeBoundAndHoldAtLeastOneEntry() {
        List<Entry> ents = entries(1, 10, 1);
        long all = ents.stream().mapToLong(Codec::framedSize).sum();
        assertThat(Codec.runEnds(ents, all)).containsExactly(10);
        assertThat(Codec.runEnds(ents, all - 1)).containsExactly(9, 10);
        assertThat(Codec.runEnds(ents, 1)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        long firstThree = ents.subList(0, 3).stream().mapToLong(Codec::framedSize).sum();
        int[] ends = Codec.runEnds(ents, firstThree);
        assertThat(ends[0]).isEqualTo(3);
        int from = 0;
        for (int end : ends) {
            long bytes = ents.subList(from, end).stream().mapToLong(Codec::framedSize).sum();
            // Within the bound, unless one entry alone is larger.
            if (end - from > 1) {
                assertThat(bytes).isLessThanOrEqualTo(firstThree);
            }
            // As long as the bound allows: the next entry would not have fit.
            if (end < ents.size()) {
                assertThat(bytes + Codec.framedSize(ents.get(end))).isGreaterThan(firstThree);
            }
            from = end;
        }
        assertThat(Codec.runEnds(List.of(), 100)).isEmpty();
    }

    @Test
    void longsRoundTripAndRefuseAnotherWidth() {
        byte[] v = Codec.encodeLongs(7, -1);
        assertThat(Codec.decodeLongs(v, 2)).containsExactly(7, -1);
        assertThatThrownBy(() -> Codec.decodeLongs(v, 1))
                .isInstanceOf(Codec.BadValueException.class);
    }
}
