package io.katd.kv;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * katd's embedded key-value API: an etcd-like replicated MVCC store with leases, watches and
 * leadership taken from the Raft role. Every method returns at once; the future fails with a
 * {@link StoreException}: {@link NotLeaderException}, {@link StoreTimeoutException} (outcome
 * unknown), {@link StoreUnavailableException} (no effect, retry), {@link
 * CompactedRevisionException}, {@link NoSuchLeaseException}, {@link StoreClosedException}.
 *
 * <p>Writes go through Raft from any node (followers forward them) and complete once applied
 * on this node. Reads are linearizable unless {@link ReadConsistency#SERIALIZABLE} is asked.
 */
public interface StateStore extends AutoCloseable {

    /** The key under which each new leader records itself (a {@link LeaderInfo}). */
    ByteString LEADER_KEY = ByteString.copyFromUtf8("/kat/leader");

    /** Completes with the revision of the write. */
    CompletableFuture<Long> put(ByteString key, ByteString value);

    /** Puts with the key attached to {@code leaseId}: revoking the lease deletes the key. */
    CompletableFuture<Long> put(ByteString key, ByteString value, long leaseId);

    default CompletableFuture<Optional<KV>> get(ByteString key) {
        return get(key, ReadConsistency.LINEARIZABLE);
    }

    CompletableFuture<Optional<KV>> get(ByteString key, ReadConsistency consistency);

    /** Completes with whether the key existed. */
    CompletableFuture<Boolean> delete(ByteString key);

    /** Every key starting with {@code prefix}, in key order. */
    default CompletableFuture<List<KV>> list(ByteString prefix) {
        return list(prefix, ReadConsistency.LINEARIZABLE);
    }

    CompletableFuture<List<KV>> list(ByteString prefix, ReadConsistency consistency);

    /**
     * Watches one key from {@code startRevision} (0: from the next write on; a past revision
     * replays the history from there). The events are exactly the store's changes of the key,
     * in order, each once.
     */
    default WatchHandle watch(ByteString key, long startRevision, WatchListener listener) {
        return watch(key, startRevision, WatchOptions.key(), listener);
    }

    /** Like {@link #watch} for every key starting with {@code prefix}. */
    default WatchHandle watchPrefix(ByteString prefix, long startRevision,
            WatchListener listener) {
        return watch(prefix, startRevision, WatchOptions.prefixed(), listener);
    }

    /**
     * Watches a key, or every key under a prefix, from {@code startRevision}, with the
     * previous key-values and progress notifications if {@code options} asks for them.
     */
    WatchHandle watch(ByteString keyOrPrefix, long startRevision, WatchOptions options,
            WatchListener listener);

    /**
     * Asks for a progress notification on every watch of this store that wants them:
     * each gets {@link WatchListener#onProgress} with the current revision once it has
     * delivered every change up to it (etcd's RequestProgress).
     */
    void requestProgress();

    /** Atomically: if every check holds, runs {@code onSuccess}, otherwise {@code onFailure}. */
    CompletableFuture<TxnOutcome> doTransaction(List<Compare> checks, List<Op> onSuccess,
            List<Op> onFailure);

    /** Grants a lease of {@code ttl} (whole seconds, at least one); completes with its id. */
    CompletableFuture<Long> grantLease(Duration ttl);

    /**
     * Discards the history before {@code revision} on every member, keeping the latest
     * version of each key; afterwards a watch from an older revision ends with a
     * {@link CompactedRevisionException}. Completes with the compacted revision; fails
     * with {@link CompactedRevisionException} if the store was already compacted past it
     * and with {@link InvalidRequestException} for a revision beyond the current one.
     */
    CompletableFuture<Long> compact(long revision);

    /** Revokes a lease and deletes its keys, in one revision. */
    CompletableFuture<Void> revokeLease(long leaseId);

    /**
     * Renews a lease for its full TTL, through any member: the renewal goes through the
     * log and the leader, which holds the deadlines, restarts the lease's deadline when it
     * applies it. Completes with the TTL in seconds; fails with
     * {@link NoSuchLeaseException} for an unknown or already expired lease.
     */
    CompletableFuture<Long> keepAlive(long leaseId);

    /**
     * The lease's granted and remaining TTL and its keys, after a linearizable barrier.
     * Only the leader holds the deadlines: on another member this fails with
     * {@link NotLeaderException} naming the leader. Fails with
     * {@link NoSuchLeaseException} for an unknown lease.
     */
    CompletableFuture<LeaseInfo> timeToLive(long leaseId);

    /**
     * Completes when this node is the Raft leader and has committed an entry of its term (the
     * {@code /kat/leader} record naming {@code leaderId}, attached to a lease of
     * {@code leaseTtl} that this node renews while it leads). On a follower it completes only
     * once this node becomes leader; it never starts an election itself.
     */
    CompletableFuture<Leadership> campaign(String leaderId, Duration leaseTtl);

    /**
     * Hands leadership to the most up-to-date other voter; completes when another node leads.
     * Fails with {@link NotLeaderException} when this node does not lead.
     */
    CompletableFuture<Void> resign();

    /** The current leader as recorded in {@code /kat/leader}, read linearizably. */
    CompletableFuture<Optional<LeaderInfo>> getLeader();

    /** Stops the Raft node and the store; pending requests fail with StoreClosedException. */
    @Override
    void close();
}
