package io.katd.jepsen.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * One node's simulated data directory (the files next to the raft log: the member identity,
 * the bootstrap marker, snapshot files), with the two kinds of durability a real file system
 * has. A file's content is durable once the file is fsynced; a directory entry (a creation,
 * a rename, a deletion) is durable only once the directory is fsynced. A crash returns the
 * directory to its entries as of the last directory fsync, and a surviving file whose
 * content was never fsynced comes back empty.
 */
final class SimDir {
  /** A file's content: what was written, and whether an fsync made it durable. */
  private static final class Inode {
    byte[] data = new byte[0];
    boolean synced = true;
  }

  /** A file read back: its content and whether the checksum written with it matches. */
  record Contents(byte[] data, boolean intact) {}

  // Files carry a CRC32 of their content in front, as the snapshot file format does.
  private static final int CRC_BYTES = 8;

  private final TreeMap<String, Inode> entries = new TreeMap<>();
  private TreeMap<String, Inode> durableEntries = new TreeMap<>();

  boolean exists(String name) {
    return entries.containsKey(name);
  }

  /** The names of the files, in order. */
  List<String> list() {
    return new ArrayList<>(entries.keySet());
  }

  /** Creates (or truncates) a file and writes its content, not yet synced. */
  void write(String name, byte[] data) {
    Inode f = entries.computeIfAbsent(name, n -> new Inode());
    byte[] withCrc = new byte[CRC_BYTES + data.length];
    long crc = crc(data);
    for (int i = 0; i < CRC_BYTES; i++) {
      withCrc[i] = (byte) (crc >>> (8 * i));
    }
    System.arraycopy(data, 0, withCrc, CRC_BYTES, data.length);
    f.data = withCrc;
    f.synced = false;
  }

  /** Makes a file's content durable (not its directory entry). */
  void fsync(String name) {
    Inode f = entries.get(name);
    if (f == null) {
      throw new IllegalStateException("fsync of a missing file " + name);
    }
    f.synced = true;
  }

  /** Renames a file over any file of the target name, atomically. */
  void rename(String from, String to) {
    Inode f = entries.remove(from);
    if (f == null) {
      throw new IllegalStateException("rename of a missing file " + from);
    }
    entries.put(to, f);
  }

  void delete(String name) {
    entries.remove(name);
  }

  /** Makes the current entries (creations, renames, deletions) durable. */
  void fsyncDirectory() {
    durableEntries = new TreeMap<>(entries);
  }

  /** Whether some directory change is not yet durable. */
  boolean hasUnsyncedEntries() {
    return !entries.equals(durableEntries);
  }

  /** Reads a file; null if it does not exist. */
  Contents read(String name) {
    Inode f = entries.get(name);
    if (f == null) {
      return null;
    }
    if (f.data.length < CRC_BYTES) {
      return new Contents(new byte[0], false);
    }
    long crc = 0;
    for (int i = 0; i < CRC_BYTES; i++) {
      crc |= (f.data[i] & 0xffL) << (8 * i);
    }
    byte[] data = java.util.Arrays.copyOfRange(f.data, CRC_BYTES, f.data.length);
    return new Contents(data, crc(data) == crc);
  }

  /**
   * The power went out: the entries go back to the last directory fsync, and files whose
   * content was not fsynced lose it. Returns whether a directory change was lost.
   */
  boolean crash() {
    boolean lost = hasUnsyncedEntries();
    entries.clear();
    entries.putAll(durableEntries);
    for (Map.Entry<String, Inode> e : entries.entrySet()) {
      if (!e.getValue().synced) {
        e.getValue().data = new byte[0];
        e.getValue().synced = true;
      }
    }
    return lost;
  }

  /** Everything gone, durably: an operator's {@code rm -rf} of the data dir. */
  void wipe() {
    entries.clear();
    durableEntries = new TreeMap<>();
  }

  private static long crc(byte[] data) {
    CRC32 c = new CRC32();
    c.update(data);
    return c.getValue();
  }
}
