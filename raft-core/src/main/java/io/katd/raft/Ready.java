package io.katd.raft;

import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.Snapshot;
import java.util.List;
import java.util.Optional;

/**
 * Everything the caller must do for the node, in order: persist {@code entries},
 * {@code hardState} and {@code snapshot} (atomically, fsynced when {@code mustSync});
 * then send {@code messages}; then apply {@code snapshot} and {@code committedEntries};
 * then call {@link RawNode#advance(Ready)}. Immutable.
 *
 * @param softState the new leader and role, present only when they changed
 * @param hardState the new term, vote and commit, present only when they changed
 * @param readStates reads confirmed safe once applied up to their index
 * @param entries entries to append to durable storage, replacing any stored entries at
 *     the same or later indexes
 * @param snapshot a snapshot to persist and apply, if one was received
 * @param committedEntries committed entries to apply, in order; never present together
 *     with a snapshot
 * @param messages messages to send, only after the above is durable
 * @param mustSync whether the write must be synced before the messages are sent
 */
public record Ready(
        Optional<SoftState> softState,
        Optional<HardState> hardState,
        List<ReadState> readStates,
        List<Entry> entries,
        Optional<Snapshot> snapshot,
        List<Entry> committedEntries,
        List<Message> messages,
        boolean mustSync) {

    public Ready {
        readStates = List.copyOf(readStates);
        entries = List.copyOf(entries);
        committedEntries = List.copyOf(committedEntries);
        messages = List.copyOf(messages);
        if (snapshot.isPresent() && !committedEntries.isEmpty()) {
            throw new IllegalArgumentException(
                    "a Ready must not carry committed entries together with a snapshot");
        }
        checkConsecutive(entries, "entries");
        checkConsecutive(committedEntries, "committedEntries");
    }

    private static void checkConsecutive(List<Entry> ents, String what) {
        for (int i = 1; i < ents.size(); i++) {
            if (ents.get(i).getIndex() != ents.get(i - 1).getIndex() + 1) {
                throw new IllegalArgumentException(what + " not consecutive at position " + i
                        + ": " + ents.get(i - 1).getIndex() + " then " + ents.get(i).getIndex());
            }
        }
    }

    /** Whether the Ready carries nothing at all. */
    public boolean isEmpty() {
        return softState.isEmpty() && hardState.isEmpty() && readStates.isEmpty()
                && entries.isEmpty() && snapshot.isEmpty() && committedEntries.isEmpty()
                && messages.isEmpty();
    }
}
