package io.katd.raft.storage;

import java.nio.file.Path;

/**
 * The durable log's contents cannot be trusted: a checksum does not match, an entry is
 * missing or misplaced, or the stored state contradicts itself. Nothing is dropped or
 * repaired: a node that cannot trust its disk must stop, and an operator decides what to
 * do with the directory (typically: wipe it and let the node rejoin as a new member).
 *
 * <p>Unchecked, because it also surfaces from the protocol's reads ({@link
 * io.katd.raft.Storage} declares no checked exceptions); the node's loop stops on it like
 * on any other fatal error.
 */
public final class CorruptLogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The index of an entry that is not about one entry in particular. */
    public static final long NO_INDEX = -1;

    private final transient Path directory;
    private final long index;

    CorruptLogException(Path directory, long index, String problem, Throwable cause) {
        super("corrupt raft log in " + directory
                + (index == NO_INDEX ? "" : " at index " + index) + ": " + problem, cause);
        this.directory = directory;
        this.index = index;
    }

    /** The log's directory. */
    public Path directory() {
        return directory;
    }

    /** The index the problem was found at, or {@link #NO_INDEX}. */
    public long index() {
        return index;
    }
}
