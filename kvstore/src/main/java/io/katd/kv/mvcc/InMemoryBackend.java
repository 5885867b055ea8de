package io.katd.kv.mvcc;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * A {@link Backend} in a {@link TreeMap}, for deterministic simulation and tests. Nothing
 * survives the process except checkpoints, which are single files with a CRC32C trailer.
 */
public final class InMemoryBackend implements Backend {

    static final String CHECKPOINT_FILE = "in-memory-backend.bin";
    private static final int CHECKPOINT_MAGIC = 0x4b4d454d; // "KMEM"
    private static final int CHECKPOINT_VERSION = 1;

    // Keys and values are private copies: nobody outside holds a reference to them.
    private NavigableMap<byte[], byte[]> entries = newMap();
    private boolean closed;

    private static NavigableMap<byte[], byte[]> newMap() {
        return new TreeMap<>(Arrays::compareUnsigned);
    }

    @Override
    public byte[] get(byte[] key) {
        requireOpen();
        byte[] value = entries.get(key);
        return value == null ? null : value.clone();
    }

    @Override
    public void scan(byte[] fromInclusive, byte[] toExclusive, EntryVisitor visitor)
            throws IOException {
        requireOpen();
        NavigableMap<byte[], byte[]> view = toExclusive == null
                ? entries.tailMap(fromInclusive, true)
                : Arrays.compareUnsigned(fromInclusive, toExclusive) >= 0
                        ? newMap()
                        : entries.subMap(fromInclusive, true, toExclusive, false);
        for (Map.Entry<byte[], byte[]> entry : view.entrySet()) {
            if (!visitor.visit(entry.getKey().clone(), entry.getValue().clone())) {
                return;
            }
        }
    }

    @Override
    public void write(BackendBatch batch) {
        requireOpen();
        // Nothing here can fail halfway, so applying in order is already atomic.
        for (BackendBatch.Mutation mutation : batch.mutations()) {
            if (mutation.isDelete()) {
                entries.remove(mutation.key());
            } else {
                entries.put(mutation.key().clone(), mutation.value().clone());
            }
        }
    }

    @Override
    public void checkpoint(Path dir) throws IOException {
        requireOpen();
        Directories.requireAbsent(dir);
        // The simulation's state is small, so one buffer keeps the format code trivial.
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buffer);
        out.writeInt(CHECKPOINT_MAGIC);
        out.writeInt(CHECKPOINT_VERSION);
        out.writeInt(entries.size());
        for (Map.Entry<byte[], byte[]> entry : entries.entrySet()) {
            out.writeInt(entry.getKey().length);
            out.write(entry.getKey());
            out.writeInt(entry.getValue().length);
            out.write(entry.getValue());
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.toByteArray());
        out.writeLong(crc.getValue());
        Files.createDirectory(dir);
        Files.write(dir.resolve(CHECKPOINT_FILE), buffer.toByteArray(),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @Override
    public void restore(Path dir) throws IOException {
        requireOpen();
        Path file = dir.resolve(CHECKPOINT_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException("not an in-memory backend checkpoint: " + dir);
        }
        NavigableMap<byte[], byte[]> restored = parseCheckpoint(file, Files.readAllBytes(file));
        entries = restored;
    }

    private static NavigableMap<byte[], byte[]> parseCheckpoint(Path file, byte[] bytes)
            throws IOException {
        if (bytes.length < Long.BYTES) {
            throw new IOException("truncated checkpoint " + file + ": " + bytes.length + " bytes");
        }
        int bodyBytes = bytes.length - Long.BYTES;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bodyBytes);
        long expectedCrc = ByteBuffer.wrap(bytes, bodyBytes, Long.BYTES).getLong();
        if (crc.getValue() != expectedCrc) {
            throw new IOException("checksum mismatch in checkpoint " + file + ": stored "
                    + expectedCrc + ", computed " + crc.getValue());
        }
        ByteBuffer body = ByteBuffer.wrap(bytes, 0, bodyBytes);
        try {
            int magic = body.getInt();
            int version = body.getInt();
            if (magic != CHECKPOINT_MAGIC || version != CHECKPOINT_VERSION) {
                throw new IOException("unknown checkpoint format in " + file + ": magic "
                        + Integer.toHexString(magic) + ", version " + version);
            }
            int count = body.getInt();
            NavigableMap<byte[], byte[]> restored = newMap();
            for (int i = 0; i < count; i++) {
                byte[] key = new byte[body.getInt()];
                body.get(key);
                byte[] value = new byte[body.getInt()];
                body.get(value);
                restored.put(key, value);
            }
            if (body.hasRemaining() || restored.size() != count) {
                throw new IOException("malformed checkpoint " + file + ": " + count
                        + " entries declared, " + restored.size() + " distinct read, "
                        + body.remaining() + " bytes left over");
            }
            return restored;
        } catch (BufferUnderflowException | IllegalArgumentException
                | NegativeArraySizeException e) {
            throw new IOException("malformed checkpoint " + file, e);
        }
    }

    @Override
    public void close() {
        closed = true;
        entries = newMap();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("in-memory backend is closed");
        }
    }
}
