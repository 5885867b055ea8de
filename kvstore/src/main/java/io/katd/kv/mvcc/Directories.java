package io.katd.kv.mvcc;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/** File-system helpers shared by the backends' checkpoint and restore. */
final class Directories {

    private Directories() {
    }

    /** Deletes {@code path} and everything below it; a missing path is not an error. */
    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                    throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure)
                    throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Copies the tree under {@code source} to {@code target}, which must not exist. RocksDB
     * never changes an {@code .sst} file once written, so those are hard-linked when the file
     * system allows it, as RocksDB's own checkpoints do, and copied otherwise.
     */
    static void copyRecursively(Path source, Path target) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                    throws IOException {
                Files.createDirectory(target.resolve(source.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                    throws IOException {
                Path copy = target.resolve(source.relativize(file).toString());
                if (file.getFileName().toString().endsWith(".sst") && tryLink(copy, file)) {
                    return FileVisitResult.CONTINUE;
                }
                Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static boolean tryLink(Path link, Path existing) {
        try {
            Files.createLink(link, existing);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            // Another file system, or no hard links here: copying is always correct.
            return false;
        }
    }

    /**
     * Makes a rename inside {@code dir} durable. Restores are rare, and losing the switch to a
     * restored checkpoint in a power cut would silently bring back the old state.
     */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    static void requireAbsent(Path dir) throws IOException {
        if (Files.exists(dir)) {
            throw new IOException("checkpoint directory already exists: " + dir);
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IOException("parent of checkpoint directory is not a directory: " + dir);
        }
    }
}
