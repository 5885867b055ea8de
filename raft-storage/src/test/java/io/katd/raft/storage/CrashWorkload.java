package io.katd.raft.storage;

import static io.katd.raft.storage.Logs.VOTERS;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
import io.katd.raft.Ready;
import io.katd.raft.node.DurableLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The writes of a crash test, as a deterministic function of a seed and of the log's
 * state: the child process that is killed and the parent that checks what survived draw
 * the same sequence of writes, the parent applying them to its in-memory model. Every
 * write is synced, as the Ready loop does for entries and votes, so that "acknowledged"
 * means "durable".
 *
 * <p>The mix is a follower's and a leader's life: appends in batches of 1 to 256 entries
 * with hard states, new terms that replace an uncommitted tail, snapshots followed by
 * compaction (two writes: a crash may fall between them), and snapshots received from a
 * leader that replace the whole log. Entry payloads are {@link Logs#data(long, long)}.
 */
final class CrashWorkload {
    private final SplittableRandom random;

    CrashWorkload(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** One write to a log. */
    interface Write {
        void applyTo(DurableLog log) throws IOException;
    }

    /** The next write, chosen from the log's current state. */
    Write next(DurableLog log) {
        long first = log.firstIndex();
        long last = log.lastIndex();
        HardState hs = log.initialState().hardState();
        long commit = hs.getCommit();
        long snapIndex = log.snapshot().getMetadata().getIndex();
        int dice = random.nextInt(100);
        if (dice < 55) {
            int n = random.nextInt(10) == 0 ? 256 : 1 + random.nextInt(64);
            long newCommit = commit + random.nextLong(last + n - commit + 1);
            return append(hs.toBuilder().setCommit(newCommit).build(), last + 1, n);
        }
        if (dice < 70) {
            long from = Math.max(commit + 1, last + 1 - random.nextInt(20));
            HardState next = HardState.newBuilder().setTerm(hs.getTerm() + 1)
                    .setVote(1 + random.nextInt(3)).setCommit(commit).build();
            return append(next, from, 1 + random.nextInt(32));
        }
        if (dice < 80 && commit > snapIndex) {
            long at = snapIndex + 1 + random.nextLong(commit - snapIndex);
            ByteString data = Logs.data(at, hs.getTerm(), 64);
            return l -> l.createSnapshot(at, VOTERS, data);
        }
        if (dice < 90 && snapIndex >= first) {
            long keep = random.nextLong(Math.min(snapIndex - first + 1, 50));
            long at = snapIndex - keep;
            return l -> l.compact(at);
        }
        if (dice < 95) {
            return receiveSnapshot(hs, Math.max(commit, snapIndex) + 1 + random.nextInt(300));
        }
        HardState vote = HardState.newBuilder().setTerm(hs.getTerm() + 1)
                .setVote(1 + random.nextInt(3)).setCommit(commit).build();
        return l -> l.persist(ready(vote, List.of(), Optional.empty()));
    }

    private static Write append(HardState hs, long from, int n) {
        List<Entry> ents = new ArrayList<>(n);
        for (long i = from; i < from + n; i++) {
            ents.add(Entry.newBuilder().setIndex(i).setTerm(hs.getTerm())
                    .setData(Logs.data(i, hs.getTerm())).build());
        }
        return l -> l.persist(ready(hs, ents, Optional.empty()));
    }

    /** A snapshot from a leader at a new term, with a few entries after it. */
    private Write receiveSnapshot(HardState hs, long at) {
        long term = hs.getTerm() + 1;
        Snapshot snap = Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder()
                .setIndex(at).setTerm(term).setConfState(VOTERS))
                .setData(Logs.data(at, term, 128)).build();
        List<Entry> ents = new ArrayList<>();
        int following = random.nextInt(4);
        for (long i = at + 1; i <= at + following; i++) {
            ents.add(Entry.newBuilder().setIndex(i).setTerm(term).setData(Logs.data(i, term))
                    .build());
        }
        HardState next = HardState.newBuilder().setTerm(term).setCommit(at).build();
        return l -> l.persist(ready(next, ents, Optional.of(snap)));
    }

    private static Ready ready(HardState hs, List<Entry> ents, Optional<Snapshot> snap) {
        return new Ready(Optional.empty(), Optional.of(hs), List.of(), ents, snap, List.of(),
                List.of(), true);
    }
}
