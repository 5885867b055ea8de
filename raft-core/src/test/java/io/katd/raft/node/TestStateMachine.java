package io.katd.raft.node;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A state machine that records the commands it applied, as strings, and returns each
 * command's index. Its snapshot is the list of commands, one per line. A command named
 * {@code "block"} parks the raft thread in apply until {@link #unblock}.
 */
public final class TestStateMachine implements StateMachine<Long> {
    private final Await await;
    // Guarded by this: written by the raft thread, read by test threads.
    private final List<String> values = new ArrayList<>();
    private long appliedIndex;
    private int restores;
    private final CountDownLatch blocked = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);

    public TestStateMachine(Await await) {
        this.await = await;
    }

    @Override
    public Long apply(long index, ByteString command) {
        String value = command.toStringUtf8();
        if (value.equals("block")) {
            blocked.countDown();
            awaitGate();
        }
        synchronized (this) {
            if (index <= appliedIndex) {
                throw new IllegalStateException("apply of " + index + " after " + appliedIndex);
            }
            values.add(value);
            appliedIndex = index;
        }
        await.signal();
        return index;
    }

    private void awaitGate() {
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void markApplied(long index) {
        appliedIndex = Math.max(appliedIndex, index);
    }

    @Override
    public synchronized long appliedIndex() {
        return appliedIndex;
    }

    @Override
    public synchronized ByteString snapshot() {
        return ByteString.copyFrom(String.join("\n", values), StandardCharsets.UTF_8);
    }

    @Override
    public void restore(long index, ByteString data) {
        synchronized (this) {
            values.clear();
            if (!data.isEmpty()) {
                values.addAll(List.of(data.toStringUtf8().split("\n", -1)));
            }
            appliedIndex = index;
            restores++;
        }
        await.signal();
    }

    public synchronized List<String> values() {
        return List.copyOf(values);
    }

    public synchronized int restores() {
        return restores;
    }

    /** Waits (bounded) until the raft thread is parked in the apply of "block". */
    void awaitBlocked() throws InterruptedException {
        if (!blocked.await(Await.TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the raft thread never applied \"block\"");
        }
    }

    void unblock() {
        gate.countDown();
    }
}
