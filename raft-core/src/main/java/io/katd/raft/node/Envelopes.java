package io.katd.raft.node;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.proto.node.ProposalEnvelope;
import io.katd.proto.raft.ConfChange;
import io.katd.proto.raft.ConfChangeV2;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.EntryType;
import io.katd.raft.confchange.ConfChanges;

/** Reading and writing the runtime's envelopes in entry data (see node.proto). */
final class Envelopes {
    private Envelopes() {}

    static ByteString wrap(long origin, long incarnation, long sequence, ByteString payload) {
        return ProposalEnvelope.newBuilder().setOrigin(origin).setIncarnation(incarnation)
                .setSequence(sequence).setPayload(payload).build().toByteString();
    }

    /**
     * The envelope of a normal entry with data. Every such entry was proposed through a
     * RaftNode, so data that does not parse means a corrupt log: fatal.
     */
    static ProposalEnvelope ofNormal(Entry e) {
        try {
            return ProposalEnvelope.parseFrom(e.getData());
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException("entry " + e.getIndex() + " (term " + e.getTerm()
                    + ") does not hold a proposal envelope: " + ex.getMessage(), ex);
        }
    }

    /**
     * The envelope in a membership change's context, or null when there is none (the
     * empty change that leaves a joint configuration, or a change not made by a RaftNode).
     */
    static ProposalEnvelope ofConfChange(ConfChangeV2 cc) {
        if (cc.getContext().isEmpty()) {
            return null;
        }
        try {
            ProposalEnvelope env = ProposalEnvelope.parseFrom(cc.getContext());
            return env.getOrigin() == 0 ? null : env;
        } catch (InvalidProtocolBufferException ex) {
            return null;
        }
    }

    /** The membership change of a conf-change entry, in the V2 form. */
    static ConfChangeV2 confChange(Entry e) {
        try {
            if (e.getType() == EntryType.EntryConfChange) {
                return ConfChanges.toV2(ConfChange.parseFrom(e.getData()));
            }
            return ConfChangeV2.parseFrom(e.getData());
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException("entry " + e.getIndex()
                    + " holds a malformed membership change: " + ex.getMessage(), ex);
        }
    }

    static boolean isConfChange(Entry e) {
        return e.getType() == EntryType.EntryConfChange
                || e.getType() == EntryType.EntryConfChangeV2;
    }
}
