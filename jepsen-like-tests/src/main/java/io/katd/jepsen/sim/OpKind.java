package io.katd.jepsen.sim;

/** The client operations a scenario may enable; swarm testing picks a subset. */
public enum OpKind {
  PUT,
  /** A linearizable get, through ReadIndex. */
  GET,
  /** A serializable get from the local state of any member. */
  SERIALIZABLE_GET,
  DELETE,
  /** Compare-and-swap transactions and multi-key put transactions. */
  TXN,
  /** Watches that reconnect and resume, from zero, past, compacted and future revisions. */
  WATCH,
  /** Lease grants, keys attached to them, keep-alives, revocations and expiry. */
  LEASE,
  /** Leadership claims and writes fenced by the leader's term. */
  FENCED
}
