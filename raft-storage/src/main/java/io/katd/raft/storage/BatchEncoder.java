package io.katd.raft.storage;

import com.google.protobuf.CodedOutputStream;
import io.katd.proto.raft.Entry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.WriteBatch;

/**
 * Builds a RocksDB {@link WriteBatch} in its serialized form, in Java, so that a Ready of
 * hundreds of entries crosses JNI once rather than once per entry, and each entry is
 * serialized straight into the batch instead of into an array of its own first.
 * Entries go in as runs ({@link #putRun}), one record for many entries. The CPU
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

    /**
     * Puts the run of {@code ents[from, to)}, consecutive entries, under the index of the
     * last one, laid out as {@link Codec#encodeRun} lays it out: each entry is serialized
     * straight into the batch, then its checksum computed in place.
     */
    void putRun(int columnFamilyId, List<Entry> ents, int from, int to) {
        if (from >= to) {
            throw new IllegalArgumentException("a run holds at least one entry: [" + from
                    + ", " + to + ")");
        }
        header(TYPE_COLUMN_FAMILY_VALUE, columnFamilyId);
        varint(KEY_BYTES);
        ensure(KEY_BYTES);
        fixed64BigEndian(ents.get(to - 1).getIndex());
        long valueBytes = Codec.RUN_HEADER_BYTES;
        for (int i = from; i < to; i++) {
            valueBytes += Codec.framedSize(ents.get(i));
        }
        if (valueBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a run of " + valueBytes + " bytes does not fit"
                    + " in one value");
        }
        varint((int) valueBytes);
        ensure((int) valueBytes);
        buf[size++] = Codec.RUN_LAYOUT_VERSION;
        fixed64BigEndian(ents.get(from).getIndex());
        fixed32BigEndian(size, to - from);
        size += Integer.BYTES;
        for (int i = from; i < to; i++) {
            Entry e = ents.get(i);
            int entryBytes = e.getSerializedSize();
            int entryAt = size + Codec.ENTRY_FRAME_BYTES;
            CodedOutputStream out = CodedOutputStream.newInstance(buf, entryAt, entryBytes);
            try {
                e.writeTo(out);
            } catch (IOException ex) {
                throw new UncheckedIOException("serializing into an array of the exact size", ex);
            }
            out.checkNoSpaceLeft();
            fixed32BigEndian(size, entryBytes);
            fixed32BigEndian(size + Integer.BYTES, Codec.crc32c(buf, entryAt, entryBytes));
            size = entryAt + entryBytes;
        }
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

    /** Our own integers (keys, run headers, checksums) are big-endian. */
    private void fixed64BigEndian(long value) {
        for (int i = 0; i < Long.BYTES; i++) {
            buf[size + i] = (byte) (value >>> (8 * (Long.BYTES - 1 - i)));
        }
        size += Long.BYTES;
    }

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
