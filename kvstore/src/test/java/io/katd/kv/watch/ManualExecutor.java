package io.katd.kv.watch;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/** Queues tasks until the test runs them, on the test's own thread. */
final class ManualExecutor implements Executor {

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    boolean isEmpty() {
        return tasks.isEmpty();
    }

    int size() {
        return tasks.size();
    }

    /** Runs up to {@code count} tasks, including tasks they queue; returns how many ran. */
    int run(int count) {
        int ran = 0;
        while (ran < count && !tasks.isEmpty()) {
            tasks.poll().run();
            ran++;
        }
        return ran;
    }

    /** Runs tasks until none is queued; fails on what looks like a task that requeues forever. */
    int runAll() {
        int ran = run(100_000);
        if (!tasks.isEmpty()) {
            throw new AssertionError("tasks still queued after 100000 runs");
        }
        return ran;
    }
}
