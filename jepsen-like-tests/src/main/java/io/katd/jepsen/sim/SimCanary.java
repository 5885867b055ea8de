package io.katd.jepsen.sim;

/**
 * Planted bugs (VERIFY.md, section 4) that the simulation and its checkers must catch. Only
 * tests set anything but {@link #NONE}; a harness that does not fail on an enabled canary is
 * itself broken.
 */
public enum SimCanary {
  NONE,
  /** 1. Linearizable reads served from local state without ReadIndex. */
  LOCAL_READS,
  /** 2. The vote is sent before the hard state that records it is synced. */
  VOTE_NOT_PERSISTED,
  /** 3. Appends acknowledged before fsync. */
  ACK_BEFORE_FSYNC,
  /** 4. Entries of a previous term committed by counting replicas (raft-core's switch). */
  COMMIT_PREVIOUS_TERM_BY_COUNTING,
  /** 5. A follower truncates its log even when the entries match (raft-core's switch). */
  TRUNCATE_MATCHING_ENTRIES,
  /** 6. A ReadIndex confirmation token reused across retries. */
  READ_TOKEN_REUSE,
  /** 7. A reconnecting watch resumes one revision early (re-sends an event). */
  WATCH_RESEND,
  /** 7. A reconnecting watch resumes one revision late (skips events). */
  WATCH_SKIP,
  /** 8. Leadership-fenced writes accepted from an old term. */
  FENCE_ANY_TERM,
  /** 9. Log truncation and snapshot install written as two separate steps. */
  NONATOMIC_SNAPSHOT_INSTALL,
  /** A snapshot file renamed into place without the directory fsync that makes it durable. */
  SKIP_DIRECTORY_FSYNC,
  /** A node whose data dir was wiped is formatted anew and rejoins as a voter, same id. */
  WIPED_NODE_REJOINS
}
