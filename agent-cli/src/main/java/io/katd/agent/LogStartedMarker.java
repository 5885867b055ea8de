package io.katd.agent;

import io.katd.raft.Ready;
import io.katd.raft.node.DurableLog;
import io.katd.raft.node.ForwardingDurableLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Leaves a marker file next to the Raft log, durably, before the log's first write: from
 * then on an empty log means lost data, and the member refuses to start on it.
 *
 * <p>A founding member writes the marker right after bootstrapping its log. A joining member
 * starts from an empty log and may stay empty for a while (it crashed before the leader's
 * snapshot arrived, say), so its marker is written just before the first Ready it persists:
 * the first entries, snapshot or vote it could acknowledge. Without it, a joined member whose
 * log was wiped would start empty, vote again and acknowledge entries it no longer holds.
 * A log that is not empty but has no marker (a crash between bootstrap and marker) gets the
 * marker when it opens.
 */
final class LogStartedMarker extends ForwardingDurableLog {
    /** The marker's name in the data directory. */
    static final String FILE = ".bootstrapped";

    private final Path marker;
    private boolean written;

    private LogStartedMarker(DurableLog log, Path marker, boolean written) {
        super(log);
        this.marker = marker;
        this.written = written;
    }

    /**
     * Wraps {@code log}, opened from {@code dataDir}; writes the marker now if the log holds
     * anything.
     */
    static LogStartedMarker wrap(DurableLog log, Path dataDir) throws IOException {
        Path marker = dataDir.resolve(FILE);
        boolean written = Files.exists(marker);
        if (!written && !log.isEmpty()) {
            write(marker);
            written = true;
        }
        return new LogStartedMarker(log, marker, written);
    }

    /** Whether the log in {@code dataDir} has ever been written to. */
    static boolean present(Path dataDir) {
        return Files.exists(dataDir.resolve(FILE));
    }

    @Override
    public void persist(Ready ready) throws IOException {
        if (!written) {
            write(marker);
            written = true;
        }
        super.persist(ready);
    }

    private static void write(Path marker) throws IOException {
        AtomicFiles.write(marker, new byte[0]);
    }
}
