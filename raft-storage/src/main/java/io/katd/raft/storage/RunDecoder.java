package io.katd.raft.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.proto.raft.Entry;
import java.nio.file.Path;

/**
 * Reads one run value (layout in {@link Codec}): checks its header against the key it was
 * stored under when constructed, then hands out the entries in order, each checked as it
 * is decoded: its frame stays inside the value, its CRC32C matches, it parses, and its
 * index is the one its position in the run gives. Once the last entry is reached, the
 * value must end there.
 *
 * <p>Every failed check is a {@link CorruptLogException} naming the log's directory and
 * the index of the entry (or, for the header, the index of the key).
 */
final class RunDecoder {
    private final Path directory;
    private final byte[] value;
    private final long firstIndex;
    private final long lastIndex;
    // Invariant: position is where the frame of entry nextIndex starts.
    private int position = Codec.RUN_HEADER_BYTES;
    private long nextIndex;

    RunDecoder(Path directory, long keyIndex, byte[] value) {
        this.directory = directory;
        this.value = value;
        if (value.length < Codec.RUN_HEADER_BYTES) {
            throw corrupt(keyIndex, "the run value of " + value.length
                    + " bytes is shorter than a run header");
        }
        if (value[0] != Codec.RUN_LAYOUT_VERSION) {
            throw corrupt(keyIndex, "the run value has layout version " + value[0]
                    + ", expected " + Codec.RUN_LAYOUT_VERSION);
        }
        long first = readLong(1);
        int count = readInt(1 + Long.BYTES);
        if (first < 1 || count < 1) {
            throw corrupt(keyIndex, "the run header says it holds " + count
                    + " entries from index " + first);
        }
        // A valid run ends at its key; compared this way round so that nothing overflows.
        if (keyIndex < first || keyIndex - first != count - 1L) {
            throw corrupt(keyIndex, "the run stored under index " + keyIndex
                    + " has a header for entries " + first + ".." + (first + count - 1));
        }
        this.firstIndex = first;
        this.lastIndex = keyIndex;
        this.nextIndex = first;
    }

    long firstIndex() {
        return firstIndex;
    }

    long lastIndex() {
        return lastIndex;
    }

    boolean hasNext() {
        return nextIndex <= lastIndex;
    }

    /** The index of the entry {@link #next} decodes. */
    long nextIndex() {
        return nextIndex;
    }

    /** Decodes and checks the next entry. */
    Entry next() {
        int length = frameLength();
        int entryAt = position + Codec.ENTRY_FRAME_BYTES;
        int stored = readInt(position + Integer.BYTES);
        int computed = Codec.crc32c(value, entryAt, length);
        if (stored != computed) {
            throw corrupt(nextIndex, String.format(
                    "CRC32C mismatch: stored 0x%08x, computed 0x%08x over %d bytes",
                    stored, computed, length));
        }
        Entry e;
        try {
            e = Entry.parser().parseFrom(value, entryAt, length);
        } catch (InvalidProtocolBufferException ex) {
            throw new CorruptLogException(directory, nextIndex,
                    "the entry does not parse: " + ex.getMessage(), ex);
        }
        if (e.getIndex() != nextIndex) {
            throw corrupt(nextIndex, "the run " + firstIndex + ".." + lastIndex + " holds entry "
                    + e.getIndex() + " where entry " + nextIndex + " belongs");
        }
        advance(length);
        return e;
    }

    /**
     * Steps over entries up to {@code index} (exclusive) without decoding them: only their
     * frames are followed. An entry skipped is not handed out, so it needs no check of its
     * own; a damaged length shifts every frame after it, which the next decoded entry's
     * checksum or index catches.
     */
    void skipTo(long index) {
        if (index < nextIndex || index > lastIndex + 1) {
            throw new IllegalArgumentException("cannot skip from entry " + nextIndex + " to "
                    + index + " in the run " + firstIndex + ".." + lastIndex);
        }
        while (nextIndex < index) {
            advance(frameLength());
        }
    }

    /** The length of the next entry, checked to lie inside the value. */
    private int frameLength() {
        if (!hasNext()) {
            throw new IllegalStateException("the run " + firstIndex + ".." + lastIndex
                    + " has no entry after " + lastIndex);
        }
        if (value.length - position < Codec.ENTRY_FRAME_BYTES) {
            throw corrupt(nextIndex, "the run value ends at byte " + value.length
                    + ", inside the frame of this entry");
        }
        int length = readInt(position);
        int room = value.length - position - Codec.ENTRY_FRAME_BYTES;
        if (length < 0 || length > room) {
            throw corrupt(nextIndex, "the entry's length " + length + " runs past the end of"
                    + " the run value (" + room + " bytes left)");
        }
        return length;
    }

    private void advance(int length) {
        position += Codec.ENTRY_FRAME_BYTES + length;
        nextIndex++;
        if (nextIndex > lastIndex && position != value.length) {
            throw corrupt(lastIndex, "the run value has " + (value.length - position)
                    + " bytes after its last entry");
        }
    }

    private long readLong(int at) {
        long v = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            v = (v << 8) | (value[at + i] & 0xFF);
        }
        return v;
    }

    private int readInt(int at) {
        return (value[at] & 0xFF) << 24 | (value[at + 1] & 0xFF) << 16
                | (value[at + 2] & 0xFF) << 8 | (value[at + 3] & 0xFF);
    }

    private CorruptLogException corrupt(long index, String problem) {
        return new CorruptLogException(directory, index, problem, null);
    }
}
