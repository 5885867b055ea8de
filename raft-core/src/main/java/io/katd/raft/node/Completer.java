package io.katd.raft.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes futures and runs listener callbacks off the raft thread: a future completed
 * on the raft thread would run its callers' non-async dependents there, stalling the
 * protocol on application code.
 */
final class Completer {
    private static final Logger LOG = LoggerFactory.getLogger(Completer.class);

    private final Executor executor;
    // The executor the node created and must stop; null when the embedder supplied one.
    private final ExecutorService owned;

    Completer(long nodeId, Executor supplied) {
        if (supplied != null) {
            this.executor = supplied;
            this.owned = null;
        } else {
            this.owned = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "raft-" + nodeId + "-completions");
                t.setDaemon(true);
                return t;
            });
            this.executor = owned;
        }
    }

    <T> void complete(CompletableFuture<T> future, T value) {
        run(() -> future.complete(value));
    }

    void fail(CompletableFuture<?> future, Throwable cause) {
        run(() -> future.completeExceptionally(cause));
    }

    /**
     * Runs {@code task} on the executor. After the node's own executor was shut down
     * (only the threads that drain a stopped node's inbox get here, never the raft
     * thread) the task runs on the calling thread, so that no future is left pending.
     */
    void run(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("completion executor rejected a task; running it inline", e);
            task.run();
        }
    }

    /** Stops the node's own executor once the tasks already handed to it have run. */
    void shutdown() {
        if (owned != null) {
            owned.shutdown();
        }
    }
}
