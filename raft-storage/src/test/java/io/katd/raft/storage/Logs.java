package io.katd.raft.storage;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.Ready;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builders of entries, hard states and Readies for the storage tests. */
final class Logs {
    static final ConfState VOTERS = ConfState.newBuilder().addVoters(1).addVoters(2)
            .addVoters(3).build();

    private Logs() {}

    static HardState hs(long term, long commit) {
        return HardState.newBuilder().setTerm(term).setCommit(commit).build();
    }

    static HardState hs(long term, long vote, long commit) {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(commit).build();
    }

    /**
     * The payload of the entry at (index, term): a pure function of both, so that a
     * checker knows every entry's content from its index and term alone. Between 16 and
     * 300 bytes, depending on the index.
     */
    static ByteString data(long index, long term, int sizeBytes) {
        ByteBuffer b = ByteBuffer.allocate(sizeBytes);
        long x = index * 0x9E3779B97F4A7C15L ^ term * 0xC2B2AE3D27D4EB4FL;
        while (b.remaining() >= Long.BYTES) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b.putLong(x);
        }
        while (b.hasRemaining()) {
            b.put((byte) x);
        }
        return ByteString.copyFrom(b.flip());
    }

    static ByteString data(long index, long term) {
        return data(index, term, 16 + (int) (Math.floorMod(index * 31 + term, 285L)));
    }

    static Entry entry(long index, long term) {
        return Entry.newBuilder().setIndex(index).setTerm(term).setData(data(index, term))
                .build();
    }

    static List<Entry> entries(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(entry(i, term));
        }
        return out;
    }

    static Ready ready(HardState hs, List<Entry> entries, boolean sync) {
        return new Ready(Optional.empty(), Optional.ofNullable(hs), List.of(), entries,
                Optional.empty(), List.of(), List.of(), sync);
    }

    static Ready snapshotReady(Snapshot snap, HardState hs, List<Entry> entries) {
        return new Ready(Optional.empty(), Optional.ofNullable(hs), List.of(), entries,
                Optional.of(snap), List.of(), List.of(), true);
    }

    static Snapshot snapshot(long index, long term, ConfState cs, ByteString data) {
        return Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setIndex(index)
                .setTerm(term).setConfState(cs)).setData(data).build();
    }
}
