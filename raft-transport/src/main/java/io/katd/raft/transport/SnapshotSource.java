package io.katd.raft.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.node.SnapshotStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The bytes of a snapshot being sent, read a chunk at a time: from the sender's
 * {@link SnapshotStore} when it holds the snapshot, otherwise from the data the MsgSnap
 * carries inline (a runtime that keeps snapshots in memory). Used by one thread at a time.
 */
abstract class SnapshotSource implements AutoCloseable {

    /** Opens the source of {@code snapshot}'s bytes. */
    static SnapshotSource open(SnapshotStore store, Snapshot snapshot) throws IOException {
        SnapshotMetadata md = snapshot.getMetadata();
        Optional<SnapshotStore.Reader> reader = store.open(md.getIndex(), md.getTerm());
        if (reader.isPresent()) {
            return new FromStore(reader.get());
        }
        return new Inline(snapshot.getData());
    }

    abstract long sizeBytes();

    abstract int crc32c();

    /** Where the bytes come from, for log lines. */
    abstract String origin();

    /**
     * The next bytes, at most {@code maxBytes}, at least one while any remain; empty at the
     * end. Fails when the source ends before {@link #sizeBytes()}.
     */
    abstract ByteString read(int maxBytes) throws IOException;

    @Override
    public abstract void close() throws IOException;

    /** A committed snapshot in the store, read through its Reader. */
    private static final class FromStore extends SnapshotSource {
        private final SnapshotStore.Reader reader;
        private long remaining;

        FromStore(SnapshotStore.Reader reader) {
            this.reader = reader;
            this.remaining = reader.sizeBytes();
        }

        @Override
        long sizeBytes() {
            return reader.sizeBytes();
        }

        @Override
        int crc32c() {
            return reader.crc32c();
        }

        @Override
        String origin() {
            return "the snapshot store";
        }

        @Override
        ByteString read(int maxBytes) throws IOException {
            int n = (int) Math.min(maxBytes, remaining);
            byte[] chunk = new byte[n];
            ByteBuffer dst = ByteBuffer.wrap(chunk);
            while (dst.hasRemaining()) {
                if (reader.read(dst) < 0) {
                    throw new IOException("the snapshot ended after "
                            + (reader.sizeBytes() - remaining + dst.position())
                            + " bytes; its recorded size is " + reader.sizeBytes());
                }
            }
            remaining -= n;
            // The array is fresh and never written again, so the ByteString may share it.
            return UnsafeByteOperations.unsafeWrap(chunk);
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    /** The data of the MsgSnap itself. */
    private static final class Inline extends SnapshotSource {
        private final ByteString data;
        private final int crc32c;
        private int position;

        Inline(ByteString data) {
            this.data = data;
            CRC32C crc = new CRC32C();
            for (ByteBuffer b : data.asReadOnlyByteBufferList()) {
                crc.update(b);
            }
            this.crc32c = (int) crc.getValue();
        }

        @Override
        long sizeBytes() {
            return data.size();
        }

        @Override
        int crc32c() {
            return crc32c;
        }

        @Override
        String origin() {
            return "the message's inline data";
        }

        @Override
        ByteString read(int maxBytes) {
            int n = Math.min(maxBytes, data.size() - position);
            ByteString chunk = data.substring(position, position + n);
            position += n;
            return chunk;
        }

        @Override
        public void close() {}
    }
}
