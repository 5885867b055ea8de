package io.katd.raft.transport;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order they were submitted, on a shared pool: the
 * snapshot stream's file work (open, write, commit, abort) must not reorder, yet must not
 * run on an event loop or hold a thread of its own while idle.
 */
final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor pool;
    // Guards tasks and running: held only to add or take one task, never while a task
    // runs, so a slow snapshot write never blocks the event loop that queues the next.
    private final Object lock = new Object();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (lock) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            pool.execute(this::runQueued);
        } catch (RejectedExecutionException e) {
            // The pool is shut down: the transport is closed and nothing more will run.
            synchronized (lock) {
                tasks.clear();
                running = false;
            }
            LOG.debug("snapshot task dropped: the transport is closed");
        }
    }

    private void runQueued() {
        while (true) {
            Runnable task;
            synchronized (lock) {
                task = tasks.poll();
                if (task == null) {
                    running = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("a snapshot task failed", e);
            }
        }
    }
}
