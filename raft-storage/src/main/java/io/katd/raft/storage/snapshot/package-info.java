/**
 * Snapshot files: {@link io.katd.raft.storage.snapshot.FileSnapshotStore} implements the
 * runtime's {@link io.katd.raft.node.SnapshotStore} with one checksummed file per snapshot,
 * written in chunks to a temporary file and installed by an atomic rename followed by a
 * directory fsync.
 */
package io.katd.raft.storage.snapshot;
