package io.katd.raft.storage;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.proto.raft.Entry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The key layout and the value framing of the log's RocksDB instance.
 *
 * <p>Keys of the {@code entries} column family are the entry's index as 8 bytes,
 * big-endian, so that RocksDB's byte order is index order. Keys of the {@code meta} column
 * family are short ASCII names. Every value, in both, is framed as a 4-byte big-endian
 * CRC32C of the payload followed by the payload (a serialized protobuf, or fixed-width
 * longs): RocksDB's block checksums protect the files, ours protect each value end to end,
 * from the moment it is encoded to the moment it is decoded, whatever layer flips a bit.
 */
final class Codec {
    static final byte[] ENTRIES_CF = ascii("entries");
    static final byte[] META_CF = ascii("meta");

    /** The layout version; a store written in another layout is refused. */
    static final byte[] FORMAT_KEY = ascii("format");
    static final long FORMAT_VERSION = 1;
    static final byte[] HARD_STATE_KEY = ascii("hard_state");
    /** The first index and the term of the entry just before it (the log's offset). */
    static final byte[] FIRST_INDEX_KEY = ascii("first_index");
    /** The latest snapshot: metadata (with the configuration) and data. */
    static final byte[] SNAPSHOT_KEY = ascii("snapshot");

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

    /** The framed value of an entry, serialized straight after its checksum (one copy). */
    static byte[] encodeEntry(Entry e) {
        int size = e.getSerializedSize();
        byte[] value = new byte[CRC_BYTES + size];
        CodedOutputStream out = CodedOutputStream.newInstance(value, CRC_BYTES, size);
        try {
            e.writeTo(out);
        } catch (IOException ex) {
            throw new UncheckedIOException("serializing into an array of the exact size", ex);
        }
        out.checkNoSpaceLeft();
        ByteBuffer.wrap(value).putInt(0, crc32c(value, CRC_BYTES, size));
        return value;
    }

    /**
     * The entry stored under {@code key}, after checking its checksum and that it is the
     * entry the key says it is.
     */
    static Entry decodeEntry(long keyIndex, byte[] value) {
        Entry e;
        try {
            e = Entry.parseFrom(unseal(value));
        } catch (InvalidProtocolBufferException ex) {
            throw new BadValueException("entry does not parse: " + ex.getMessage(), ex);
        }
        if (e.getIndex() != keyIndex) {
            throw new BadValueException("the entry stored under index " + keyIndex
                    + " says it is entry " + e.getIndex(), null);
        }
        return e;
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
