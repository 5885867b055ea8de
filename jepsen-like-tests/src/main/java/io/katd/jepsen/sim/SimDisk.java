package io.katd.jepsen.sim;

import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Snapshot;
import io.katd.raft.MemoryStorage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * One node's simulated durable log: an append-only sequence of checksummed records (a
 * snapshot, an entry, a hard state) in write batches (one per Ready, as one atomic write
 * batch), of which a prefix is synced. A crash loses the unsynced suffix, whole or from some
 * batch on, and may tear the last record written; a bit flip corrupts a synced record.
 * Recovery replays the records into a fresh {@link MemoryStorage}: the batch of a torn last
 * record is dropped (the explicit torn-tail policy), while a checksum mismatch in a record
 * that was written whole is corruption, and the node refuses to start.
 */
final class SimDisk {
  enum Kind { SNAPSHOT, ENTRY, HARD_STATE, RESET }

  /** What a crash did to the unsynced writes. */
  enum Loss { NONE, LOST_ALL, LOST_PART, TORN }

  /** The disk holds a record whose checksum does not match: the node must not start. */
  static final class CorruptionException extends Exception {
    CorruptionException(String message) {
      super(message);
    }
  }

  /** A failed fsync: the node must stop and never retry. */
  static final class FsyncException extends Exception {
    FsyncException() {
      super("fsync failed");
    }
  }

  // declaredLength differs from data.length only for a torn record. Records of one batch
  // (one Ready) survive or vanish together, as one write batch does.
  private record Rec(Kind kind, byte[] data, int declaredLength, long crc, long batch) {}

  private final List<Rec> synced = new ArrayList<>();
  private final List<Rec> unsynced = new ArrayList<>();
  private boolean failNextSync;
  private long batch;

  void write(Kind kind, byte[] data) {
    unsynced.add(new Rec(kind, data, data.length, crc(data), batch));
  }

  /** Ends the current write batch: later records belong to the next one. */
  void endBatch() {
    batch++;
  }

  boolean hasUnsynced() {
    return !unsynced.isEmpty();
  }

  void sync() throws FsyncException {
    if (failNextSync) {
      failNextSync = false;
      throw new FsyncException();
    }
    synced.addAll(unsynced);
    unsynced.clear();
  }

  void failNextSync() {
    failNextSync = true;
  }

  /**
   * The process died: unsynced records survive, are lost whole or in part, or the last
   * surviving one is torn.
   */
  Loss crash(SplittableRandom random, double lossRate, boolean tear) {
    failNextSync = false;
    // A batch still being written when the process died was never submitted: it is gone.
    unsynced.removeIf(r -> r.batch() == batch);
    batch++;
    if (unsynced.isEmpty()) {
      return Loss.NONE;
    }
    List<Long> batches = unsynced.stream().map(Rec::batch).distinct().toList();
    Loss loss;
    if (tear) {
      long last = batches.get(random.nextInt(batches.size()));
      List<Rec> kept = unsynced.stream().filter(r -> r.batch() <= last).toList();
      Rec torn = kept.get(kept.size() - 1);
      int cut = torn.data().length == 0 ? 0 : random.nextInt(torn.data().length);
      synced.addAll(kept.subList(0, kept.size() - 1));
      synced.add(new Rec(torn.kind(), Arrays.copyOf(torn.data(), cut), torn.declaredLength(),
          torn.crc(), torn.batch()));
      loss = Loss.TORN;
    } else if (random.nextDouble() >= lossRate) {
      synced.addAll(unsynced);
      loss = Loss.NONE;
    } else if (random.nextBoolean() || batches.size() == 1) {
      loss = Loss.LOST_ALL;
    } else {
      long keepUpTo = batches.get(random.nextInt(batches.size() - 1));
      synced.addAll(unsynced.stream().filter(r -> r.batch() <= keepUpTo).toList());
      loss = Loss.LOST_PART;
    }
    unsynced.clear();
    return loss;
  }

  /** Flips one bit of a synced record, as a bad sector would; false if there is none. */
  boolean flipBit(SplittableRandom random) {
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < synced.size(); i++) {
      Rec r = synced.get(i);
      if (r.data().length > 0 && r.data().length == r.declaredLength()) {
        candidates.add(i);
      }
    }
    if (candidates.isEmpty()) {
      return false;
    }
    int i = candidates.get(random.nextInt(candidates.size()));
    Rec r = synced.get(i);
    byte[] flipped = r.data().clone();
    int bit = random.nextInt(flipped.length * 8);
    flipped[bit / 8] ^= (byte) (1 << (bit % 8));
    synced.set(i, new Rec(r.kind(), flipped, r.declaredLength(), r.crc(), r.batch()));
    return true;
  }

  /**
   * Replaces the synced records with a checkpoint of the storage (snapshot, entries, hard
   * state), as a compaction does with a write to a new file, a rename and a directory fsync.
   * Call only with nothing unsynced.
   */
  void checkpoint(MemoryStorage storage, HardState hs) {
    if (!unsynced.isEmpty()) {
      throw new IllegalStateException("checkpoint with unsynced records");
    }
    synced.clear();
    List<Rec> recs = new ArrayList<>();
    byte[] snap = storage.snapshot().toByteArray();
    recs.add(new Rec(Kind.SNAPSHOT, snap, snap.length, crc(snap), batch));
    if (storage.lastIndex() >= storage.firstIndex()) {
      for (Entry e : storage.entries(storage.firstIndex(), storage.lastIndex() + 1,
          Long.MAX_VALUE)) {
        byte[] b = e.toByteArray();
        recs.add(new Rec(Kind.ENTRY, b, b.length, crc(b), batch));
      }
    }
    byte[] h = hs.toByteArray();
    recs.add(new Rec(Kind.HARD_STATE, h, h.length, crc(h), batch));
    synced.addAll(recs);
    batch++;
  }

  /** What recovery found: the storage to restart from and whether a torn tail was cut. */
  record Recovered(MemoryStorage storage, boolean tornTailDropped) {}

  Recovered recover() throws CorruptionException {
    boolean torn = false;
    if (!synced.isEmpty()) {
      Rec last = synced.get(synced.size() - 1);
      if (last.data().length != last.declaredLength()) {
        // The torn-tail policy: the last batch was never completely written; drop it whole.
        synced.removeIf(r -> r.batch() == last.batch());
        torn = true;
      }
    }
    MemoryStorage storage = new MemoryStorage();
    HardState hs = HardState.getDefaultInstance();
    for (int i = 0; i < synced.size(); i++) {
      Rec r = synced.get(i);
      if (r.data().length != r.declaredLength()) {
        throw new CorruptionException("torn record " + i + " in the middle of the log");
      }
      if (crc(r.data()) != r.crc()) {
        throw new CorruptionException("checksum mismatch in " + r.kind() + " record " + i);
      }
      try {
        switch (r.kind()) {
          case SNAPSHOT -> {
            storage = new MemoryStorage();
            storage.applySnapshot(Snapshot.parseFrom(r.data()));
          }
          case RESET -> storage = new MemoryStorage();
          case ENTRY -> storage.append(List.of(Entry.parseFrom(r.data())));
          case HARD_STATE -> hs = HardState.parseFrom(r.data());
        }
      } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
        throw new CorruptionException("unreadable " + r.kind() + " record " + i + ": "
            + e.getMessage());
      }
    }
    storage.setHardState(hs);
    return new Recovered(storage, torn);
  }

  private static long crc(byte[] data) {
    CRC32 c = new CRC32();
    c.update(data);
    return c.getValue();
  }
}
