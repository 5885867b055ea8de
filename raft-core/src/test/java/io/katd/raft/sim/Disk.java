package io.katd.raft.sim;

import io.katd.proto.raft.HardState;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The write-then-fsync gap of one node's disk, for the part of its state that may be
 * written without a sync: the hard state (a Ready with only a new commit index has
 * mustSync false) and the state machine (written when entries are applied). Log entries,
 * votes, terms and snapshots always come with mustSync, so the simulator syncs them
 * before their messages leave and they are never lost.
 *
 * <p>Every write is atomic; writes become durable in order, so a crash keeps the synced
 * state plus some prefix of the later writes.
 */
final class Disk {
    /** What a node has written: hard state and state machine. */
    record Image(HardState hardState, StateMachine stateMachine) {}

    private final boolean honoursSync;
    private Image synced;
    private Image written;
    private final List<Image> unsynced = new ArrayList<>();

    /**
     * @param honoursSync false for a canary disk whose fsync does nothing, which the
     *     checkers must catch
     */
    Disk(Image initial, boolean honoursSync) {
        this.honoursSync = honoursSync;
        synced = initial;
        written = initial;
    }

    Image synced() {
        return synced;
    }

    Image written() {
        return written;
    }

    void write(Image image, boolean sync) {
        written = image;
        unsynced.add(image);
        if (sync) {
            sync();
        }
    }

    void sync() {
        if (honoursSync) {
            synced = written;
            unsynced.clear();
        }
    }

    /**
     * The node crashed: with probability {@code lossRate} the writes since the last sync
     * are lost from some point on (all of them, possibly). Returns whether any was lost.
     */
    boolean crash(RandomGenerator random, double lossRate) {
        boolean lost = false;
        if (!unsynced.isEmpty() && random.nextDouble() < lossRate) {
            int kept = random.nextInt(unsynced.size());
            if (kept > 0) {
                synced = unsynced.get(kept - 1);
            }
            lost = true;
        } else {
            synced = written;
        }
        unsynced.clear();
        written = synced;
        return lost;
    }

    /** After a restart rebuilt the state (possibly moving it forward): that is durable. */
    void reset(Image image) {
        synced = image;
        written = image;
        unsynced.clear();
    }
}
