package io.katd.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.proto.raft.Entry;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The batches BatchEncoder builds are byte for byte those RocksDB's own WriteBatch builds
 * for the same operations, and RocksDB applies them as such.
 */
class BatchEncoderTest {
    @TempDir
    Path temp;

    @Test
    void encodedBatchesAreTheBytesRocksDbBuilds() throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        try (RocksHandles h = RocksHandles.open(temp.resolve("db"));
                WriteBatch reference = new WriteBatch()) {
            BatchEncoder encoder = new BatchEncoder(0);
            for (int i = 0; i < 200; i++) {
                // Sizes around the varint boundaries: 1, 2 and 3 bytes of length.
                int size = switch (i % 4) {
                    case 0 -> random.nextInt(128);
                    case 1 -> 128 + random.nextInt(16_000);
                    case 2 -> 16_384 + random.nextInt(50_000);
                    default -> 0;
                };
                Entry e = Entry.newBuilder().setIndex(random.nextLong(Long.MAX_VALUE))
                        .setTerm(random.nextLong(1000)).setData(Logs.data(i, 1, size)).build();
                encoder.putEntry(h.entriesId, e);
                reference.put(h.entries, Codec.indexKey(e.getIndex()), Codec.encodeEntry(e));
                byte[] key = Codec.ascii("k" + i);
                byte[] value = Logs.data(i, 2, size).toByteArray();
                encoder.put(h.metaId, key, value);
                reference.put(h.meta, key, value);
                encoder.deleteRange(h.entriesId, Codec.indexKey(i), Codec.indexKey(i + size));
                reference.deleteRange(h.entries, Codec.indexKey(i), Codec.indexKey(i + size));
            }
            assertThat(encoder.serialized()).isEqualTo(reference.data());
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
                    for (long i = 1; i <= 3; i++) {
                        Entry e = Entry.newBuilder().setIndex(i + 1000L * round).setTerm(round)
                                .setData(Logs.data((int) i, round, size / 3)).build();
                        reused.putEntry(h.entriesId, e);
                        fresh.putEntry(h.entriesId, e);
                        reference.put(h.entries, Codec.indexKey(e.getIndex()),
                                Codec.encodeEntry(e));
                    }
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
            for (long i = 1; i <= 300; i++) {
                encoder.putEntry(h.entriesId, Logs.entry(i, 2));
            }
            encoder.deleteRange(h.entriesId, Codec.indexKey(101), Codec.indexKey(201));
            encoder.put(h.metaId, Codec.HARD_STATE_KEY, Codec.seal(Logs.hs(2, 7).toByteArray()));
            try (WriteBatch batch = encoder.toWriteBatch()) {
                assertThat(batch.count()).isEqualTo(302);
                h.db.write(sync, batch);
            }
            for (long i = 1; i <= 300; i++) {
                byte[] v = h.db.get(h.entries, Codec.indexKey(i));
                if (i > 100 && i <= 200) {
                    assertThat(v).as("index " + i).isNull();
                } else {
                    assertThat(Codec.decodeEntry(i, v)).isEqualTo(Logs.entry(i, 2));
                }
            }
            assertThat(Codec.unseal(h.db.get(h.meta, Codec.HARD_STATE_KEY)))
                    .isEqualTo(Logs.hs(2, 7).toByteArray());
        }
    }
}
