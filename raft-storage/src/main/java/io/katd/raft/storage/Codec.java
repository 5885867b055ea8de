package io.katd.raft.storage;

import io.katd.proto.raft.Entry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The key layout and the value framing of the log's RocksDB instance.
 *
 * <p>The {@code entries} column family holds runs: each value is a run of consecutive
 * entries (those one persist appended, or a part of them, see {@link #runEnds}), stored
 * under the 8-byte big-endian index of its last entry, so that RocksDB's byte order is
 * index order and a seek to index {@code i} (the first key {@code >= i}) lands on the run
 * holding entry {@code i}. A run value is:
 *
 * <pre>
 * header  [layout version: 1 byte][first index: 8][count: 4]
 * entries count times: [length: 4][CRC32C: 4][Entry, length bytes]
 * </pre>
 *
 * <p>Integers are big-endian. The header is checked against the key on every read (the
 * first index plus the count, less one, must be the key), and each entry against its own
 * CRC32C and its position in the run (its index must be the first index plus its
 * position). Why runs rather than one key per entry: RocksDB spends most of a persist's
 * CPU on per-record work (a memtable insert each, with its skip-list search and arena
 * copies), and the synced write waits for that CPU; one record per persist replaces
 * hundreds of them. Entries keep a checksum of their own, so that an entry read alone
 * is still verified end to end.
 *
 * <p>Keys of the {@code meta} column family are short ASCII names. Each of its values is
 * framed as a 4-byte big-endian CRC32C of the payload followed by the payload (a
 * serialized protobuf, or fixed-width longs). RocksDB's block checksums protect the files;
 * ours protect each value end to end, from the moment it is encoded to the moment it is
 * decoded, whatever layer flips a bit.
 */
final class Codec {
    static final byte[] ENTRIES_CF = ascii("entries");
    static final byte[] META_CF = ascii("meta");

    /** The layout version; a store written in another layout is refused. */
    static final byte[] FORMAT_KEY = ascii("format");
    static final long FORMAT_VERSION = 2;
    static final byte[] HARD_STATE_KEY = ascii("hard_state");
    /** The first index and the term of the entry just before it (the log's offset). */
    static final byte[] FIRST_INDEX_KEY = ascii("first_index");
    /** The latest snapshot: metadata (with the configuration) and data. */
    static final byte[] SNAPSHOT_KEY = ascii("snapshot");

    /** The first byte of every run value: the version of the run layout above. */
    static final byte RUN_LAYOUT_VERSION = 1;
    /** The run header: layout version, first index, count. */
    static final int RUN_HEADER_BYTES = 1 + Long.BYTES + Integer.BYTES;
    /** The bytes framing each entry in a run: its length and its CRC32C. */
    static final int ENTRY_FRAME_BYTES = 2 * Integer.BYTES;

    private static final int CRC_BYTES = 4;

    private Codec() {}

    /** A value that does not decode; the caller names where it was found. */
    static final class BadValueException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadValueException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A meta key as text, for messages. */
    static String name(byte[] key) {
        return new String(key, StandardCharsets.US_ASCII);
    }

    static byte[] indexKey(long index) {
        return ByteBuffer.allocate(Long.BYTES).putLong(index).array();
    }

    static long indexOf(byte[] key) {
        if (key.length != Long.BYTES) {
            throw new BadValueException("entry key of " + key.length + " bytes, expected "
                    + Long.BYTES, null);
        }
        return ByteBuffer.wrap(key).getLong();
    }

    static int crc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /** The framed value of {@code payload}: its CRC32C, then the payload. */
    static byte[] seal(byte[] payload) {
        int crc = crc32c(payload, 0, payload.length);
        return ByteBuffer.allocate(CRC_BYTES + payload.length).putInt(crc).put(payload).array();
    }

    /** The payload of a framed value, after checking its CRC32C. */
    static byte[] unseal(byte[] value) {
        if (value.length < CRC_BYTES) {
            throw new BadValueException("value of " + value.length
                    + " bytes is too short to hold its checksum", null);
        }
        int stored = ByteBuffer.wrap(value).getInt();
        int computed = crc32c(value, CRC_BYTES, value.length - CRC_BYTES);
        if (stored != computed) {
            throw new BadValueException(String.format(
                    "CRC32C mismatch: stored 0x%08x, computed 0x%08x over %d bytes",
                    stored, computed, value.length - CRC_BYTES), null);
        }
        byte[] payload = new byte[value.length - CRC_BYTES];
        System.arraycopy(value, CRC_BYTES, payload, 0, payload.length);
        return payload;
    }

    /** The bytes entry {@code e} takes in a run value: its frame and its serialized form. */
    static int framedSize(Entry e) {
        return ENTRY_FRAME_BYTES + e.getSerializedSize();
    }

    /**
     * Where the runs of a persist end: the entries are cut, in order, into runs of at most
     * {@code runBytesMax} bytes of framed entries (a run holds at least one entry, however
     * large). Returns the exclusive end position of each run in {@code ents}. The cap keeps
     * a read of one old entry from decoding megabytes of its neighbours.
     */
    static int[] runEnds(List<Entry> ents, long runBytesMax) {
        int[] ends = new int[ents.size()];
        int runs = 0;
        long runBytes = 0;
        for (int i = 0; i < ents.size(); i++) {
            int bytes = framedSize(ents.get(i));
            if (runBytes > 0 && runBytes + bytes > runBytesMax) {
                ends[runs++] = i;
                runBytes = 0;
            }
            runBytes += bytes;
        }
        if (!ents.isEmpty()) {
            ends[runs++] = ents.size();
        }
        return Arrays.copyOf(ends, runs);
    }

    /**
     * The run value of {@code ents}, consecutive entries, as the log stores it under the
     * last one's index. The log itself encodes runs straight into its write batch ({@link
     * BatchEncoder#putRun}); this plain encoding is the reference its tests compare with.
     */
    static byte[] encodeRun(List<Entry> ents) {
        int bytes = RUN_HEADER_BYTES;
        for (Entry e : ents) {
            bytes += framedSize(e);
        }
        ByteBuffer b = ByteBuffer.allocate(bytes).put(RUN_LAYOUT_VERSION)
                .putLong(ents.get(0).getIndex()).putInt(ents.size());
        for (Entry e : ents) {
            byte[] entry = e.toByteArray();
            b.putInt(entry.length).putInt(crc32c(entry, 0, entry.length)).put(entry);
        }
        return b.array();
    }

    static byte[] encodeLongs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Long.BYTES);
        for (long v : values) {
            b.putLong(v);
        }
        return seal(b.array());
    }

    static long[] decodeLongs(byte[] value, int count) {
        byte[] payload = unseal(value);
        if (payload.length != count * Long.BYTES) {
            throw new BadValueException("expected " + count * Long.BYTES + " bytes, found "
                    + payload.length, null);
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
            values[i] = b.getLong();
        }
        return values;
    }
}
