package io.katd.raft;

/** Volatile state that is useful to observe but need not be persisted. */
public record SoftState(long lead, StateType raftState) {
    public SoftState {
        if (raftState == null) {
            throw new IllegalArgumentException("raftState must not be null");
        }
    }
}
