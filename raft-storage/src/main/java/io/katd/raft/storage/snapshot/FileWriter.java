package io.katd.raft.storage.snapshot;

import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.node.SnapshotStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A snapshot being written into its own temporary file; see {@link FileSnapshotStore}. */
final class FileWriter implements SnapshotStore.Writer {
    private static final Logger LOG = LoggerFactory.getLogger(FileWriter.class);

    private enum State { OPEN, COMMITTED, ABORTED }

    private final FileSnapshotStore store;
    private final SnapshotMetadata metadata;
    private final Path temp;
    private final FileChannel channel;
    private final CRC32C crc = new CRC32C();
    private long sizeBytes;
    private State state = State.OPEN;

    FileWriter(FileSnapshotStore store, SnapshotMetadata metadata, Path temp)
            throws IOException {
        this.store = store;
        this.metadata = metadata;
        this.temp = temp;
        this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
    }

    @Override
    public SnapshotMetadata metadata() {
        return metadata;
    }

    @Override
    public void write(ByteBuffer chunk) throws IOException {
        checkOpen();
        crc.update(chunk.slice());
        try {
            while (chunk.hasRemaining()) {
                sizeBytes += channel.write(chunk);
            }
        } catch (IOException e) {
            abort();
            throw e;
        }
    }

    @Override
    public void commit(long expectedSizeBytes, int expectedCrc32c) throws IOException {
        checkOpen();
        int actualCrc = (int) crc.getValue();
        if (sizeBytes != expectedSizeBytes || actualCrc != expectedCrc32c) {
            abort();
            throw new IOException(String.format("snapshot at index %d, term %d does not match"
                    + " what was announced: expected %d bytes with CRC32C 0x%08x, got %d bytes"
                    + " with CRC32C 0x%08x", metadata.getIndex(), metadata.getTerm(),
                    expectedSizeBytes, expectedCrc32c, sizeBytes, actualCrc));
        }
        try {
            ByteBuffer footer = SnapshotFile.footer(metadata, sizeBytes, actualCrc);
            while (footer.hasRemaining()) {
                channel.write(footer);
            }
            channel.force(true);
            channel.close();
            store.install(SnapshotFile.Id.of(metadata), metadata, temp);
            state = State.COMMITTED;
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    @Override
    public void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        try {
            channel.close();
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // What is left is a temporary file, which the store's next open deletes.
            LOG.warn("could not delete {} of an aborted snapshot: {}", temp, e.toString());
        }
    }

    @Override
    public void close() {
        abort();
    }

    private void checkOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("snapshot writer for index " + metadata.getIndex()
                    + " is " + state.name().toLowerCase(Locale.ROOT));
        }
    }
}
