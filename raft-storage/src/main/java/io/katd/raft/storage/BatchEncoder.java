package io.katd.raft.storage;

import com.google.protobuf.CodedOutputStream;
import io.katd.proto.raft.Entry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.rocksdb.WriteBatch;

/**
 * Builds a RocksDB {@link WriteBatch} in its serialized form, in Java, so that a Ready of
 * hundreds of entries crosses JNI once rather than once per entry, and each entry is
 * serialized straight into the batch instead of into an array of its own first. The CPU
 * time of a persist is time the synced write waits for, so it counts against throughput.
 *
 * <p>The form is RocksDB's WriteBatch representation, which is also the record format of
 * its write-ahead log (documented in RocksDB's {@code db/write_batch.cc}): a fixed64
 * sequence number (0 here, RocksDB assigns it), a fixed32 count of records, then the
 * records; integers little-endian, lengths as varint32. {@code BatchEncoderTest} compares
 * the bytes with those RocksDB's own WriteBatch builds, so a change of format in a future
 * RocksDB version fails the build rather than the data.
 *
 * <p>One encoder serves every write of a log: {@link #reset} starts a new batch in the same
 * buffer, so that a persist neither allocates nor zeroes a buffer of the batch's size.
 */
final class BatchEncoder {
    private static final int HEADER_BYTES = 12;
    private static final int COUNT_OFFSET = 8;
    private static final byte TYPE_COLUMN_FAMILY_VALUE = 0x5;
    private static final byte TYPE_COLUMN_FAMILY_RANGE_DELETION = 0xE;
    private static final int CRC_BYTES = 4;
    private static final int KEY_BYTES = Long.BYTES;
    // A buffer grown past this by a large batch (a snapshot) is not kept for the next one.
    private static final int RETAINED_BYTES_MAX = 4 << 20;

    private byte[] buf;
    private int size = HEADER_BYTES;
    private int count;

    BatchEncoder(int capacityBytes) {
        buf = new byte[Math.max(HEADER_BYTES, capacityBytes)];
    }

    /**
     * Starts a new, empty batch of about {@code capacityBytes}, reusing the buffer. The
     * header's sequence number stays zero: only {@link #serialized} writes the count, and
     * into its copy.
     */
    void reset(int capacityBytes) {
        if (buf.length > RETAINED_BYTES_MAX && capacityBytes <= RETAINED_BYTES_MAX) {
            buf = new byte[Math.max(HEADER_BYTES, capacityBytes)];
        }
        size = HEADER_BYTES;
        count = 0;
        ensure(capacityBytes - HEADER_BYTES);
    }

    void put(int columnFamilyId, byte[] key, byte[] value) {
        header(TYPE_COLUMN_FAMILY_VALUE, columnFamilyId);
        bytes(key, key.length);
        bytes(value, value.length);
    }

    /** Puts {@code e} under its index, framed like {@link Codec#encodeEntry}. */
    void putEntry(int columnFamilyId, Entry e) {
        header(TYPE_COLUMN_FAMILY_VALUE, columnFamilyId);
        // The key, as Codec.indexKey lays it out: the index, 8 bytes big-endian.
        varint(KEY_BYTES);
        ensure(KEY_BYTES);
        long index = e.getIndex();
        for (int i = 0; i < KEY_BYTES; i++) {
            buf[size + i] = (byte) (index >>> (8 * (KEY_BYTES - 1 - i)));
        }
        size += KEY_BYTES;
        int entryBytes = e.getSerializedSize();
        int valueBytes = CRC_BYTES + entryBytes;
        varint(valueBytes);
        ensure(valueBytes);
        int entryAt = size + CRC_BYTES;
        CodedOutputStream out = CodedOutputStream.newInstance(buf, entryAt, entryBytes);
        try {
            e.writeTo(out);
        } catch (IOException ex) {
            throw new UncheckedIOException("serializing into an array of the exact size", ex);
        }
        out.checkNoSpaceLeft();
        fixed32BigEndian(size, Codec.crc32c(buf, entryAt, entryBytes));
        size += valueBytes;
    }

    void deleteRange(int columnFamilyId, byte[] beginKey, byte[] endKey) {
        header(TYPE_COLUMN_FAMILY_RANGE_DELETION, columnFamilyId);
        bytes(beginKey, beginKey.length);
        bytes(endKey, endKey.length);
    }

    /** The batch, as RocksDB will apply it; the caller closes it. */
    WriteBatch toWriteBatch() {
        return new WriteBatch(serialized());
    }

    /** The serialized batch. */
    byte[] serialized() {
        byte[] out = Arrays.copyOf(buf, size);
        for (int i = 0; i < 4; i++) {
            out[COUNT_OFFSET + i] = (byte) (count >>> (8 * i));
        }
        return out;
    }

    private void header(byte type, int columnFamilyId) {
        ensure(1);
        buf[size++] = type;
        varint(columnFamilyId);
        count++;
    }

    private void bytes(byte[] b, int length) {
        varint(length);
        ensure(length);
        System.arraycopy(b, 0, buf, size, length);
        size += length;
    }

    private void varint(int value) {
        ensure(5);
        int v = value;
        while ((v & ~0x7F) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    /** Our checksum is stored big-endian, like every integer of our own values. */
    private void fixed32BigEndian(int at, int value) {
        buf[at] = (byte) (value >>> 24);
        buf[at + 1] = (byte) (value >>> 16);
        buf[at + 2] = (byte) (value >>> 8);
        buf[at + 3] = (byte) value;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
