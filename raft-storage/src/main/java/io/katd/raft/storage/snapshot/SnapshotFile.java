package io.katd.raft.storage.snapshot;

import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.proto.raft.SnapshotMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The layout of one committed snapshot file, {@code snapshot-<index>-<term>.snap} (both
 * zero-padded to 20 digits so that names sort like snapshots):
 *
 * <pre>
 * data        dataSize bytes, as written through the Writer
 * metadata    metadataSize bytes, the serialized SnapshotMetadata
 * trailer     32 bytes: magic "KATDSNP1" (8) | dataSize (8) | metadataSize (4)
 *             | data CRC32C (4) | metadata CRC32C (4) | CRC32C of the 28 bytes before (4)
 * </pre>
 *
 * <p>The trailer comes last because a snapshot is streamed in and its size is known only
 * at commit. Opening a file checks the trailer and the metadata; the data's checksum is
 * checked as it is read (see {@link FileSnapshotStore}).
 */
final class SnapshotFile {
    static final String SUFFIX = ".snap";
    static final String TEMP_SUFFIX = ".tmp";
    static final int TRAILER_BYTES = 32;
    private static final byte[] MAGIC = "KATDSNP1".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})-(\\d{20})\\.snap");

    private SnapshotFile() {}

    /** A committed snapshot's identity; ordered by index, then term. */
    record Id(long index, long term) implements Comparable<Id> {
        static Id of(SnapshotMetadata md) {
            return new Id(md.getIndex(), md.getTerm());
        }

        @Override
        public int compareTo(Id o) {
            int c = Long.compare(index, o.index);
            return c != 0 ? c : Long.compare(term, o.term);
        }

        String fileName() {
            return String.format("snapshot-%020d-%020d%s", index, term, SUFFIX);
        }
    }

    /** What a file's trailer and metadata say. */
    record Footer(SnapshotMetadata metadata, long dataSizeBytes, int dataCrc32c) {}

    static Optional<Id> parseName(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Id(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
    }

    static int crc32c(ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate());
        return (int) crc.getValue();
    }

    /** The metadata and trailer that close a file whose data was {@code dataSize} bytes. */
    static ByteBuffer footer(SnapshotMetadata md, long dataSizeBytes, int dataCrc32c) {
        byte[] meta = md.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(meta.length + TRAILER_BYTES);
        b.put(meta).put(MAGIC).putLong(dataSizeBytes).putInt(meta.length).putInt(dataCrc32c)
                .putInt(crc32c(ByteBuffer.wrap(meta)));
        ByteBuffer trailer = b.duplicate().position(meta.length).limit(b.position());
        b.putInt(crc32c(trailer));
        return b.flip();
    }

    /** Reads and checks the trailer and the metadata of a committed file. */
    static Footer readFooter(Path file, FileChannel ch) throws IOException {
        long fileSize = ch.size();
        if (fileSize < TRAILER_BYTES) {
            throw new CorruptSnapshotException(file, "only " + fileSize
                    + " bytes, too short for its " + TRAILER_BYTES + "-byte trailer");
        }
        ByteBuffer t = readFully(file, ch, fileSize - TRAILER_BYTES, TRAILER_BYTES);
        int storedTrailerCrc = t.getInt(TRAILER_BYTES - 4);
        int trailerCrc = crc32c(t.duplicate().limit(TRAILER_BYTES - 4));
        byte[] magic = new byte[MAGIC.length];
        t.get(magic);
        if (!Arrays.equals(magic, MAGIC) || storedTrailerCrc != trailerCrc) {
            throw new CorruptSnapshotException(file, String.format("bad trailer (magic %s,"
                    + " CRC32C 0x%08x recorded, 0x%08x computed)",
                    new String(magic, StandardCharsets.ISO_8859_1), storedTrailerCrc, trailerCrc));
        }
        long dataSize = t.getLong();
        int metaSize = t.getInt();
        int dataCrc = t.getInt();
        int metaCrc = t.getInt();
        if (dataSize < 0 || metaSize < 0 || dataSize + metaSize + TRAILER_BYTES != fileSize) {
            throw new CorruptSnapshotException(file, "trailer says " + dataSize
                    + " data bytes and " + metaSize + " metadata bytes, file has " + fileSize);
        }
        ByteBuffer meta = readFully(file, ch, dataSize, metaSize);
        int computed = crc32c(meta);
        if (computed != metaCrc) {
            throw new CorruptSnapshotException(file, String.format("metadata CRC32C 0x%08x"
                    + " recorded, 0x%08x computed", metaCrc, computed));
        }
        try {
            return new Footer(SnapshotMetadata.parseFrom(meta), dataSize, dataCrc);
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptSnapshotException(file, "metadata does not parse: " + e.getMessage());
        }
    }

    private static ByteBuffer readFully(Path file, FileChannel ch, long position, int length)
            throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new CorruptSnapshotException(file, "cut short at "
                        + (position + b.position()) + " bytes");
            }
        }
        return b.flip();
    }
}
