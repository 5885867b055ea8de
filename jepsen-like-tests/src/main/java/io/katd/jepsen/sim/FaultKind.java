package io.katd.jepsen.sim;

/** The kinds of fault a scenario may enable (VERIFY.md, section 2); swarm testing picks a subset. */
public enum FaultKind {
  /** Messages dropped at random. */
  DROP,
  /** Messages delivered twice. */
  DUPLICATE,
  /** Random delays wide enough to reorder messages. */
  REORDER,
  /** Short windows in which every delay grows tenfold or more. */
  DELAY_SPIKE,
  /** A link holds its messages back, then releases them in one burst. */
  CLOG,
  /** Two sides that cannot talk to each other. */
  PARTITION,
  /** One direction of some links cut. */
  ONE_WAY,
  /** The leader cut off from everyone. */
  ISOLATE_LEADER,
  /** Two sides and one node that sees both. */
  BRIDGE,
  /** Each node sees only its neighbours on a ring. */
  RING,
  /** A partition switched on and off quickly. */
  FLAPPING,
  /** Process crash (kill -9) at an I/O boundary or at once, and restart. */
  CRASH,
  /** Process paused (SIGSTOP) longer than the election timeout, then resumed. */
  PAUSE,
  /**
   * A slow node: for a while each sync it needs keeps it blocked (no ticks, messages or
   * requests) for milliseconds up to beyond the election timeout.
   */
  SLOW_NODE,
  /** A crash that tears the last unsynced write. */
  TORN_WRITE,
  /** An fsync that fails: the node must stop. */
  FSYNC_ERROR,
  /** A bit flip in a synced record, on one node only: it must refuse to start. */
  BIT_FLIP,
  /** A full disk for a while: the node's writes or fsyncs fail and it must stop. */
  DISK_FULL,
  /** A node's data dir wiped while it is down: it must refuse to start. */
  WIPED_DATA_DIR,
  /** Clock offset jumps and drift. */
  CLOCK,
  /** A very low snapshot threshold and frequent KV compaction. */
  COMPACTION,
  /**
   * Membership changes through the leader: add a learner (a fresh id with a blank disk),
   * promote it once caught up, remove a voter or the leader itself; 3 to 5 voters.
   */
  MEMBERSHIP
}
