package io.katd.jepsen.sim;

import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.HardState;
import io.katd.proto.raft.Snapshot;
import io.katd.proto.raft.SnapshotMetadata;
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
 *
 * <p>Next to the log, a {@link SimDir} holds the member identity, the bootstrap marker and
 * the snapshot files. A snapshot record in the log holds only the snapshot's metadata; its
 * data is a file, saved as raft-storage's FileSnapshotStore does (temporary file, fsync,
 * rename into place, directory fsync) before the log refers to it. The disk may also be
 * full: writes (or, with delayed allocation, fsyncs) fail with "no space left on device".
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

  /** The disk is full: the node must stop, never skip the write or acknowledge it. */
  static final class NoSpaceException extends Exception {
    NoSpaceException() {
      super("no space left on device");
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

  /** How a full disk shows: at the write, or (delayed allocation) only at the fsync. */
  enum Full { NO, AT_WRITE, AT_SYNC }

  static final String MEMBER_FILE = "member.properties";
  static final String BOOTSTRAPPED_FILE = ".bootstrapped";

  private final List<Rec> synced = new ArrayList<>();
  private final List<Rec> unsynced = new ArrayList<>();
  private final SimDir dir = new SimDir();
  private boolean failNextSync;
  private Full full = Full.NO;
  private boolean lostDirectoryChanges;
  private long batch;

  void write(Kind kind, byte[] data) throws NoSpaceException {
    if (full == Full.AT_WRITE) {
      throw new NoSpaceException();
    }
    if (!dir.exists(BOOTSTRAPPED_FILE)) {
      // As katd's LogStartedMarker: a joining member marks its log as written to, durably,
      // before its first write, so that a wiped log shows on the next start.
      saveFile(BOOTSTRAPPED_FILE, new byte[0], true);
    }
    unsynced.add(new Rec(kind, data, data.length, crc(data), batch));
  }

  /** From now on writes (or fsyncs) fail with "no space left on device", until freed. */
  void fill(boolean atSync) {
    full = atSync ? Full.AT_SYNC : Full.AT_WRITE;
  }

  void free() {
    full = Full.NO;
  }

  boolean isFull() {
    return full != Full.NO;
  }

  /** Ends the current write batch: later records belong to the next one. */
  void endBatch() {
    batch++;
  }

  boolean hasUnsynced() {
    return !unsynced.isEmpty();
  }

  void sync() throws FsyncException, NoSpaceException {
    if (full == Full.AT_SYNC && !unsynced.isEmpty()) {
      throw new NoSpaceException();
    }
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
    lostDirectoryChanges = dir.crash();
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
   * Call only with nothing unsynced, and once the snapshot's file is saved.
   */
  void checkpoint(MemoryStorage storage, HardState hs) throws NoSpaceException {
    if (!unsynced.isEmpty()) {
      throw new IllegalStateException("checkpoint with unsynced records");
    }
    if (full != Full.NO) {
      throw new NoSpaceException();
    }
    SnapshotMetadata meta = storage.snapshot().getMetadata();
    if (!dir.exists(snapshotFile(meta))) {
      throw new IllegalStateException("checkpoint before " + snapshotFile(meta) + " is saved");
    }
    synced.clear();
    List<Rec> recs = new ArrayList<>();
    byte[] snap = snapshotRecord(meta);
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
    int lastSnapshot = -1;
    for (int i = 0; i < synced.size(); i++) {
      if (synced.get(i).kind() == Kind.SNAPSHOT) {
        lastSnapshot = i;
      }
    }
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
            // Only the last snapshot's file is read: earlier ones are superseded and may be
            // deleted already.
            Snapshot meta = Snapshot.parseFrom(r.data());
            storage = new MemoryStorage();
            storage.applySnapshot(i == lastSnapshot ? withData(meta.getMetadata()) : meta);
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

  // ---- the data directory: identity, bootstrap marker, snapshot files -----------------

  /** A founding member's identity and bootstrap marker, written durably (as katd init). */
  void writeIdentity(long memberId) throws NoSpaceException {
    writeJoinerIdentity(memberId);
    saveFile(BOOTSTRAPPED_FILE, new byte[0], true);
  }

  /**
   * A joining member's identity without the bootstrap marker (as katd join): its log starts
   * empty and fills from the leader's snapshot.
   */
  void writeJoinerIdentity(long memberId) throws NoSpaceException {
    saveFile(MEMBER_FILE, ("member-id=" + memberId + "\n").getBytes(
        java.nio.charset.StandardCharsets.UTF_8), true);
  }

  /**
   * Saves a snapshot's data as its own file: a temporary file, fsync, rename into place and,
   * unless {@code fsyncDirectory} is false (a test-only bug), a directory fsync; only the
   * last makes the new name survive a crash.
   */
  void saveSnapshotFile(Snapshot s, boolean fsyncDirectory) throws NoSpaceException {
    saveFile(snapshotFile(s.getMetadata()), s.getData().toByteArray(), fsyncDirectory);
  }

  private void saveFile(String name, byte[] data, boolean fsyncDirectory)
      throws NoSpaceException {
    if (full != Full.NO) {
      throw new NoSpaceException();
    }
    String temp = name + ".tmp";
    dir.write(temp, data);
    dir.fsync(temp);
    dir.rename(temp, name);
    if (fsyncDirectory) {
      dir.fsyncDirectory();
    }
  }

  /**
   * Deletes the snapshot files the log no longer refers to (and temporary files left by a
   * crash), as FileSnapshotStore does on open and after a commit. Deletions are directory
   * changes too: not durable until the next directory fsync, which is harmless here.
   */
  void deleteSnapshotFilesExcept(SnapshotMetadata keep) {
    String kept = snapshotFile(keep);
    for (String name : dir.list()) {
      if ((name.startsWith("snap/") || name.endsWith(".tmp")) && !name.equals(kept)) {
        dir.delete(name);
      }
    }
  }

  /** Whether the last crash lost directory changes that were not followed by an fsync. */
  boolean lostDirectoryChanges() {
    return lostDirectoryChanges;
  }

  /**
   * An operator wiped the data dir (or only its raft log and snapshots), durably, while the
   * process was down.
   */
  void wipe(boolean logOnly) {
    synced.clear();
    unsynced.clear();
    batch++;
    if (logOnly) {
      for (String name : dir.list()) {
        if (name.startsWith("snap/")) {
          dir.delete(name);
        }
      }
      dir.fsyncDirectory();
    } else {
      dir.wipe();
    }
  }

  /**
   * Why this disk looks wiped, as {@code katd start} would tell: no member identity, or a
   * member whose raft log was written to and is now empty; null if it does not.
   */
  String wipeEvidence() {
    if (!dir.exists(MEMBER_FILE)) {
      return "the data dir holds no member identity (" + MEMBER_FILE + ")";
    }
    if (synced.isEmpty() && unsynced.isEmpty() && dir.exists(BOOTSTRAPPED_FILE)) {
      return "the raft log is empty though it was written to before (" + BOOTSTRAPPED_FILE
          + " exists)";
    }
    return null;
  }

  static String snapshotFile(SnapshotMetadata meta) {
    return "snap/" + meta.getTerm() + "-" + meta.getIndex() + ".snap";
  }

  /** The log's record of a snapshot: its metadata only. */
  private static byte[] snapshotRecord(SnapshotMetadata meta) {
    return Snapshot.newBuilder().setMetadata(meta).build().toByteArray();
  }

  /** Writes the log's record of a snapshot whose file is saved. */
  void writeSnapshotRecord(SnapshotMetadata meta) throws NoSpaceException {
    write(Kind.SNAPSHOT, snapshotRecord(meta));
  }

  private Snapshot withData(SnapshotMetadata meta) throws CorruptionException {
    String name = snapshotFile(meta);
    SimDir.Contents c = dir.read(name);
    if (c == null) {
      throw new CorruptionException("the log was compacted up to index " + meta.getIndex()
          + " (term " + meta.getTerm() + "), but its snapshot file " + name + " is missing");
    }
    if (!c.intact()) {
      throw new CorruptionException("checksum mismatch in snapshot file " + name);
    }
    return Snapshot.newBuilder().setMetadata(meta).setData(
        com.google.protobuf.ByteString.copyFrom(c.data())).build();
  }

  private static long crc(byte[] data) {
    CRC32 c = new CRC32();
    c.update(data);
    return c.getValue();
  }
}
