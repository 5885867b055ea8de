package io.katd.raft.storage.snapshot;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A snapshot file's bytes do not match what was recorded when it was committed: its
 * trailer, its metadata or its data fail their checksum, or the file is cut short. The
 * snapshot must not be installed or sent.
 */
public final class CorruptSnapshotException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    CorruptSnapshotException(Path file, String problem) {
        super("corrupt snapshot file " + file + ": " + problem);
        this.file = file;
    }

    /** The snapshot file. */
    public Path file() {
        return file;
    }
}
