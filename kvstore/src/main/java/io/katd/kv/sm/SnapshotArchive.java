package io.katd.kv.sm;

import com.google.protobuf.ByteString;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A directory tree as one byte string: the MVCC checkpoint a snapshot carries. Layout: the
 * magic, the file count, then per file (in path order, so equal trees give equal bytes) its
 * relative path, its length and its bytes. Unpacking checks every length and refuses paths
 * that would leave the target directory, since snapshot bytes come from the network.
 */
final class SnapshotArchive {
    private static final int MAGIC = 0x6b617464; // "katd"

    private SnapshotArchive() {
    }

    static ByteString pack(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
        ByteString.Output bytes = ByteString.newOutput();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(files.size());
            for (Path file : files) {
                out.writeUTF(dir.relativize(file).toString().replace('\\', '/'));
                out.writeLong(Files.size(file));
                try (InputStream in = Files.newInputStream(file)) {
                    in.transferTo(out);
                }
            }
        }
        return bytes.toByteString();
    }

    /** Writes the tree into {@code dir}, which must not exist yet. */
    static void unpack(ByteString data, Path dir) throws IOException {
        Files.createDirectory(dir);
        try (DataInputStream in = new DataInputStream(data.newInput())) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a KV snapshot archive");
            }
            int count = in.readInt();
            if (count < 0) {
                throw new IOException("corrupt KV snapshot archive: " + count + " files");
            }
            for (int i = 0; i < count; i++) {
                unpackFile(in, dir);
            }
            if (in.read() != -1) {
                throw new IOException("corrupt KV snapshot archive: trailing bytes");
            }
        } catch (EOFException e) {
            throw new IOException("corrupt KV snapshot archive: truncated", e);
        }
    }

    private static void unpackFile(DataInputStream in, Path dir) throws IOException {
        String name = in.readUTF();
        Path target = dir.resolve(name).normalize();
        if (name.isEmpty() || !target.startsWith(dir) || target.equals(dir)) {
            throw new IOException("corrupt KV snapshot archive: bad path '" + name + "'");
        }
        long length = in.readLong();
        if (length < 0) {
            throw new IOException("corrupt KV snapshot archive: " + name + " has length "
                    + length);
        }
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target)) {
            long copied = copy(in, out, length);
            if (copied != length) {
                throw new IOException("corrupt KV snapshot archive: " + name + " truncated");
            }
        }
    }

    private static long copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long copied = 0;
        while (copied < length) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - copied));
            if (n < 0) {
                break;
            }
            out.write(buffer, 0, n);
            copied += n;
        }
        return copied;
    }
}
