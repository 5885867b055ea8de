package io.katd.raft.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.node.SnapshotStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSnapshotStoreTest {
    private static final ConfState VOTERS = ConfState.newBuilder().addVoters(1).addVoters(2)
            .addVoters(3).build();

    @TempDir
    Path dir;

    private static SnapshotMetadata md(long index, long term) {
        return SnapshotMetadata.newBuilder().setIndex(index).setTerm(term).setConfState(VOTERS)
                .build();
    }

    private static byte[] data(long seed, int size) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static int crc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return (int) c.getValue();
    }

    /** Writes {@code data} in chunks of random sizes and commits it. */
    private static void write(SnapshotStore store, SnapshotMetadata md, byte[] data)
            throws IOException {
        SplittableRandom chunks = new SplittableRandom(md.getIndex());
        try (SnapshotStore.Writer w = store.create(md)) {
            int at = 0;
            while (at < data.length) {
                int n = Math.min(data.length - at, 1 + chunks.nextInt(10_000));
                w.write(ByteBuffer.wrap(data, at, n));
                at += n;
            }
            w.commit(data.length, crc(data));
        }
    }

    private static byte[] readAll(SnapshotStore.Reader r, int chunkBytes) throws IOException {
        ByteBuffer all = ByteBuffer.allocate((int) r.sizeBytes());
        ByteBuffer chunk = ByteBuffer.allocate(chunkBytes);
        while (r.read(chunk.clear()) >= 0) {
            all.put(chunk.flip());
        }
        return all.array();
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aCommittedSnapshotReadsBackInChunksWithItsMetadataSizeAndChecksum()
            throws IOException {
        FileSnapshotStore store = FileSnapshotStore.open(dir);
        assertThat(store.latest()).isEmpty();
        byte[] data = data(1, 123_457);
        write(store, md(10, 2), data);
        assertThat(store.latest()).contains(md(10, 2));
        try (SnapshotStore.Reader r = store.open(10, 2).orElseThrow()) {
            assertThat(r.metadata()).isEqualTo(md(10, 2));
            assertThat(r.sizeBytes()).isEqualTo(data.length);
            assertThat(r.crc32c()).isEqualTo(crc(data));
            assertThat(readAll(r, 4096)).isEqualTo(data);
            assertThat(r.read(ByteBuffer.allocate(10))).isEqualTo(-1);
        }
        assertThat(store.open(10, 3)).isEmpty();
        assertThat(store.open(11, 2)).isEmpty();
    }

    @Test
    void anEmptySnapshotIsASnapshotToo() throws IOException {
        FileSnapshotStore store = FileSnapshotStore.open(dir);
        write(store, md(1, 1), new byte[0]);
        try (SnapshotStore.Reader r = FileSnapshotStore.open(dir).open(1, 1).orElseThrow()) {
            assertThat(r.sizeBytes()).isZero();
            assertThat(r.read(ByteBuffer.allocate(1))).isEqualTo(-1);
        }
    }

    @Test
    void aNewerSnapshotReplacesOlderOnesOnceDurableAndTheLatestIsFoundAtOpen()
            throws IOException {
        FileSnapshotStore store = FileSnapshotStore.open(dir);
        write(store, md(10, 2), data(1, 1000));
        write(store, md(20, 2), data(2, 2000));
        assertThat(files()).containsExactly(new SnapshotFile.Id(20, 2).fileName());
        assertThat(store.open(10, 2)).isEmpty();
        // An older snapshot committed later does not hide the newest.
        write(store, md(15, 2), data(3, 10));
        assertThat(store.latest()).contains(md(20, 2));

        FileSnapshotStore reopened = FileSnapshotStore.open(dir);
        assertThat(reopened.latest()).contains(md(20, 2));
        assertThat(files()).containsExactly(new SnapshotFile.Id(20, 2).fileName());
        try (SnapshotStore.Reader r = reopened.open(20, 2).orElseThrow()) {
            assertThat(readAll(r, 999)).isEqualTo(data(2, 2000));
        }
    }

    @Test
    void aChecksumOrSizeMismatchAtCommitFailsNamingBothAndLeavesNothing()
            throws IOException {
        FileSnapshotStore store = FileSnapshotStore.open(dir);
        byte[] data = data(4, 5000);
        SnapshotStore.Writer w = store.create(md(7, 1));
        w.write(ByteBuffer.wrap(data));
        assertThatThrownBy(() -> w.commit(data.length, crc(data) + 1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(String.format("expected 5000 bytes with CRC32C 0x%08x",
                        crc(data) + 1))
                .hasMessageContaining(String.format("got 5000 bytes with CRC32C 0x%08x",
                        crc(data)));
        assertThat(files()).isEmpty();
        assertThat(store.latest()).isEmpty();
        assertThatThrownBy(() -> w.write(ByteBuffer.wrap(data)))
                .isInstanceOf(IllegalStateException.class);

        SnapshotStore.Writer w2 = store.create(md(7, 1));
        w2.write(ByteBuffer.wrap(data));
        assertThatThrownBy(() -> w2.commit(data.length + 1, crc(data)))
                .isInstanceOf(IOException.class).hasMessageContaining("expected 5001 bytes");
        assertThat(files()).isEmpty();
    }

    @Test
    void anAbortedOrUnclosedWriterLeavesNothingVisible() throws IOException {
        FileSnapshotStore store = FileSnapshotStore.open(dir);
        write(store, md(5, 1), data(5, 100));
        SnapshotStore.Writer aborted = store.create(md(9, 1));
        aborted.write(ByteBuffer.wrap(data(6, 100)));
        aborted.abort();
        aborted.abort();
        try (SnapshotStore.Writer closed = store.create(md(9, 1))) {
            closed.write(ByteBuffer.wrap(data(6, 100)));
        }
        assertThat(files()).containsExactly(new SnapshotFile.Id(5, 1).fileName());

        // A writer whose process died leaves its temporary file; the next open deletes it.
        SnapshotStore.Writer dying = store.create(md(9, 1));
        dying.write(ByteBuffer.wrap(data(6, 100)));
        assertThat(files()).hasSize(2);
        FileSnapshotStore reopened = FileSnapshotStore.open(dir);
        assertThat(files()).containsExactly(new SnapshotFile.Id(5, 1).fileName());
        assertThat(reopened.latest()).contains(md(5, 1));
        assertThat(reopened.open(9, 1)).isEmpty();
        dying.abort();
    }

    @Test
    void aFlippedDataByteFailsTheReadThatReachesTheEnd() throws IOException {
        FileSnapshotStore store = FileSnapshotStore.open(dir);
        byte[] data = data(7, 40_000);
        write(store, md(3, 1), data);
        flip(dir.resolve(new SnapshotFile.Id(3, 1).fileName()), 12_345);
        try (SnapshotStore.Reader r = store.open(3, 1).orElseThrow()) {
            ByteBuffer chunk = ByteBuffer.allocate(10_000);
            for (int i = 0; i < 3; i++) {
                assertThat(r.read(chunk.clear())).isEqualTo(10_000);
            }
            assertThatThrownBy(() -> r.read(chunk.clear()))
                    .isInstanceOf(CorruptSnapshotException.class)
                    .hasMessageContaining(String.format("data CRC32C 0x%08x recorded",
                            crc(data)))
                    .hasMessageContaining("snapshot-");
            assertThatThrownBy(() -> r.read(chunk.clear()))
                    .isInstanceOf(CorruptSnapshotException.class);
        }
    }

    @Test
    void aFlippedByteInTheMetadataOrTrailerFailsTheOpen() throws IOException {
        byte[] data = data(8, 1000);
        FileSnapshotStore store = FileSnapshotStore.open(dir);
        write(store, md(3, 1), data);
        Path file = dir.resolve(new SnapshotFile.Id(3, 1).fileName());
        long size = Files.size(file);
        for (long at = data.length; at < size; at++) {
            byte[] original = Files.readAllBytes(file);
            flip(file, at);
            long position = at;
            assertThatThrownBy(() -> store.open(3, 1))
                    .as("flip at " + position + " of " + size)
                    .isInstanceOf(CorruptSnapshotException.class);
            assertThatThrownBy(() -> FileSnapshotStore.open(dir))
                    .isInstanceOf(CorruptSnapshotException.class)
                    .hasMessageContaining(file.toString());
            Files.write(file, original);
        }
        try (SnapshotStore.Reader r = store.open(3, 1).orElseThrow()) {
            assertThat(readAll(r, 100)).isEqualTo(data);
        }
    }

    @Test
    void aTruncatedFileFailsTheOpen() throws IOException {
        FileSnapshotStore store = FileSnapshotStore.open(dir);
        write(store, md(3, 1), data(9, 1000));
        Path file = dir.resolve(new SnapshotFile.Id(3, 1).fileName());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() - 1);
        }
        assertThatThrownBy(() -> store.open(3, 1)).isInstanceOf(CorruptSnapshotException.class);
        Files.write(file, new byte[5]);
        assertThatThrownBy(() -> store.open(3, 1)).isInstanceOf(CorruptSnapshotException.class)
                .hasMessageContaining("too short");
    }

    @Test
    void filesThatAreNotSnapshotsAreLeftAlone() throws IOException {
        Files.writeString(dir.resolve("README"), "not a snapshot");
        FileSnapshotStore store = FileSnapshotStore.open(dir);
        assertThat(store.latest()).isEqualTo(Optional.empty());
        assertThat(files()).containsExactly("README");
    }

    private static void flip(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
    }
}
