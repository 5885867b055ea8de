package io.katd.raft.storage.snapshot;

import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.node.SnapshotStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A committed snapshot being read. The data's CRC32C is computed as it is read and
 * checked by the read that reaches the end of the data, before it hands out those last
 * bytes.
 */
final class FileReader implements SnapshotStore.Reader {
    private final Path file;
    private final FileChannel channel;
    private final SnapshotFile.Footer footer;
    private final CRC32C crc = new CRC32C();
    private long position;
    // Set once the data failed its checksum; every later read fails the same way.
    private CorruptSnapshotException corrupt;

    FileReader(Path file, FileChannel channel, SnapshotFile.Footer footer) {
        this.file = file;
        this.channel = channel;
        this.footer = footer;
    }

    @Override
    public SnapshotMetadata metadata() {
        return footer.metadata();
    }

    @Override
    public long sizeBytes() {
        return footer.dataSizeBytes();
    }

    @Override
    public int crc32c() {
        return footer.dataCrc32c();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (corrupt != null) {
            throw corrupt;
        }
        long remaining = footer.dataSizeBytes() - position;
        if (remaining == 0) {
            return -1;
        }
        int want = (int) Math.min(dst.remaining(), remaining);
        if (want == 0) {
            return 0;
        }
        ByteBuffer window = dst.slice().limit(want);
        while (window.hasRemaining()) {
            if (channel.read(window, position + window.position()) < 0) {
                throw new CorruptSnapshotException(file, "cut short at "
                        + (position + window.position()) + " bytes");
            }
        }
        crc.update(window.flip());
        if (position + want == footer.dataSizeBytes()) {
            int computed = (int) crc.getValue();
            if (computed != footer.dataCrc32c()) {
                corrupt = new CorruptSnapshotException(file, String.format("data CRC32C"
                        + " 0x%08x recorded, 0x%08x computed over %d bytes",
                        footer.dataCrc32c(), computed, footer.dataSizeBytes()));
                throw corrupt;
            }
        }
        position += want;
        dst.position(dst.position() + want);
        return want;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
