package io.katd.raft.sim;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.Snapshot;
import java.nio.ByteBuffer;

/**
 * The replicated state machine of a simulated node, reduced to what the checkers need:
 * the applied index, the chained hash of everything applied (so equal hashes mean equal
 * histories), and the configuration as of the applied index, which a restart and a
 * snapshot must restore together with it. Immutable.
 */
record StateMachine(long applied, long hash, ConfState confState) {

    /** The state every bootstrapped node starts from: the genesis snapshot at index 1. */
    static StateMachine genesis(ConfState voters) {
        return new StateMachine(1, Hashes.GENESIS, voters);
    }

    /** A node that joins with empty storage: nothing applied, no configuration yet. */
    static StateMachine empty() {
        return new StateMachine(0, 0, ConfState.getDefaultInstance());
    }

    StateMachine apply(Entry e) {
        return new StateMachine(e.getIndex(), Hashes.chain(hash, e), confState);
    }

    StateMachine withConf(ConfState cs) {
        return new StateMachine(applied, hash, cs);
    }

    /** The snapshot payload: the applied index and the hash, which is the whole state. */
    ByteString encode() {
        return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(applied).putLong(hash)
                .flip());
    }

    static StateMachine fromSnapshot(Snapshot s) {
        ByteBuffer b = s.getData().asReadOnlyByteBuffer();
        long index = b.getLong();
        long hash = b.getLong();
        if (index != s.getMetadata().getIndex()) {
            throw new IllegalStateException("snapshot at " + s.getMetadata().getIndex()
                    + " holds the state of index " + index);
        }
        return new StateMachine(index, hash, s.getMetadata().getConfState());
    }

    static boolean isMember(ConfState cs, long id) {
        return cs.getVotersList().contains(id) || cs.getLearnersList().contains(id)
                || cs.getVotersOutgoingList().contains(id)
                || cs.getLearnersNextList().contains(id);
    }
}
