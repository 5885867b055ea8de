package io.katd.raft.transport;

import com.google.protobuf.ByteString;
import io.katd.raft.node.StateMachine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A state machine that appends each command, as a string, to a list, and returns the
 * command's index. Its snapshot is the list, one command per line.
 */
final class ListStateMachine implements StateMachine<Long> {
    // Guarded by this: the raft thread writes, test threads read.
    private final List<String> values = new ArrayList<>();
    private long appliedIndex;
    private int restores;

    @Override
    public synchronized Long apply(long index, ByteString command) {
        values.add(command.toStringUtf8());
        appliedIndex = index;
        return index;
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
    public synchronized void restore(long index, ByteString data) {
        values.clear();
        if (!data.isEmpty()) {
            values.addAll(List.of(data.toStringUtf8().split("\n", -1)));
        }
        appliedIndex = index;
        restores++;
    }

    synchronized List<String> values() {
        return List.copyOf(values);
    }

    synchronized int restores() {
        return restores;
    }
}
