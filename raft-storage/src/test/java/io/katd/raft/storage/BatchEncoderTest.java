package io.katd.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.proto.raft.Entry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The batches BatchEncoder builds are byte for byte those RocksDB's own WriteBatch builds
 * for the same operations, with the run values {@link Codec#encodeRun} builds, and RocksDB
 * applies them as such.
 */
class BatchEncoderTest {
    @TempDir
    Path temp;

    /** Consecutive entries from {@code first}, with data sizes drawn around varint bounds. */
    private static List<Entry> run(SplittableRandom random, long first, int count) {
        List<Entry> ents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int size = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(128);
                case 1 -> 128 + random.nextInt(16_000);
                case 2 -> 16_384 + random.nextInt(50_000);
                default -> 0;
            };
            ents.add(Entry.newBuilder().setIndex(first + i).setTerm(random.nextLong(1000))
                    .setData(Logs.data(i, 1, size)).build());
        }
        return ents;
    }

    @Test
    void encodedBatchesAreTheBytesRocksDbBuilds() throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        try (RocksHandles h = RocksHandles.open(temp.resolve("db"));
                WriteBatch reference = new WriteBatch()) {
            BatchEncoder encoder = new BatchEncoder(0);
            for (int i = 0; i < 200; i++) {
                // Runs of one entry, and of a few: the value lengths cross the varint
                // boundaries (1, 2 and 3 bytes of length).
                int count = i % 3 == 0 ? 1 : 1 + random.nextInt(6);
                List<Entry> ents = run(random, 1 + random.nextLong(Long.MAX_VALUE / 2), count);
                // Part of a longer list, as a persist cut into several runs passes it.
                int from = random.nextInt(2);
                List<Entry> padded = new ArrayList<>(run(random, 1, from));
                padded.addAll(ents);
                padded.addAll(run(random, 1, random.nextInt(2)));
                encoder.putRun(h.entriesId, padded, from, from + count);
                reference.put(h.entries, Codec.indexKey(ents.get(count - 1).getIndex()),
                        Codec.encodeRun(ents));
                byte[] key = Codec.ascii("k" + i);
                byte[] value = Logs.data(i, 2, random.nextInt(70_000)).toByteArray();
                encoder.put(h.metaId, key, value);
                reference.put(h.meta, key, value);
                encoder.deleteRange(h.entriesId, Codec.indexKey(i), Codec.indexKey(i + 9));
                reference.deleteRange(h.entries, Codec.indexKey(i), Codec.indexKey(i + 9));
            }
            assertThat(encoder.serialized()).isEqualTo(reference.data());
            assertThatThrownBy(() -> encoder.putRun(h.entriesId, List.of(), 0, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least one entry");
        }
    }

    @Test
    void aResetEncoderBuildsWhatAFreshOneBuilds() throws Exception {
        try (RocksHandles h = RocksHandles.open(temp.resolve("db"))) {
            BatchEncoder reused = new BatchEncoder(0);
            // A first batch larger than what the encoder keeps between batches, then
            // smaller ones: each must come out as if encoded on its own.
            for (int round = 0; round < 3; round++) {
                int size = round == 0 ? 5 << 20 : 300 * round;
                reused.reset(size);
                BatchEncoder fresh = new BatchEncoder(0);
                try (WriteBatch reference = new WriteBatch()) {
                    List<Entry> ents = new ArrayList<>();
                    for (long i = 1; i <= 3; i++) {
                        ents.add(Entry.newBuilder().setIndex(i + 1000L * round).setTerm(round)
                                .setData(Logs.data((int) i, round, size / 3)).build());
                    }
                    reused.putRun(h.entriesId, ents, 0, 3);
                    fresh.putRun(h.entriesId, ents, 0, 3);
                    reference.put(h.entries, Codec.indexKey(ents.get(2).getIndex()),
                            Codec.encodeRun(ents));
                    assertThat(reused.serialized()).isEqualTo(fresh.serialized())
                            .isEqualTo(reference.data());
                }
            }
        }
    }

    @Test
    void rocksDbAppliesAnEncodedBatch() throws Exception {
        try (RocksHandles h = RocksHandles.open(temp.resolve("db"));
                WriteOptions sync = new WriteOptions().setSync(true)) {
            BatchEncoder encoder = new BatchEncoder(16);
            List<Entry> ents = Logs.entries(1, 300, 2);
            for (int from = 0; from < 300; from += 100) {
                encoder.putRun(h.entriesId, ents, from, from + 100);
            }
            // Removes the run ending at 200, then puts 101..150 back as a run of its own.
            encoder.deleteRange(h.entriesId, Codec.indexKey(101), Codec.indexKey(201));
            encoder.putRun(h.entriesId, ents, 100, 150);
            encoder.put(h.metaId, Codec.HARD_STATE_KEY, Codec.seal(Logs.hs(2, 7).toByteArray()));
            try (WriteBatch batch = encoder.toWriteBatch()) {
                assertThat(batch.count()).isEqualTo(6);
                h.db.write(sync, batch);
            }
            assertThat(h.db.get(h.entries, Codec.indexKey(200))).isNull();
            for (long[] run : new long[][] {{1, 100}, {101, 150}, {201, 300}}) {
                byte[] v = h.db.get(h.entries, Codec.indexKey(run[1]));
                RunDecoder decoder = new RunDecoder(h.directory, run[1], v);
                for (long i = run[0]; i <= run[1]; i++) {
                    assertThat(decoder.next()).isEqualTo(ents.get((int) i - 1));
                }
                assertThat(decoder.hasNext()).isFalse();
            }
            assertThat(Codec.unseal(h.db.get(h.meta, Codec.HARD_STATE_KEY)))
                    .isEqualTo(Logs.hs(2, 7).toByteArray());
        }
    }
}
