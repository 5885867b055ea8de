package io.katd.kv.lease;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The leader's lease deadlines: in memory, never replicated. Only a promoted expiry (on the
 * leader) tracks deadlines, renews leases and reports the expired ones, which the leader then
 * proposes as revocations through Raft; the replicated {@link LeaseTable} changes only when
 * those revocations are applied. A new leader restarts every lease at its full TTL when it
 * promotes, as etcd's lessor does: a lease can outlive its TTL across a leader change, but
 * never expires early.
 *
 * <p>Time comes from the injected monotonic clock ({@code System::nanoTime} in production, a
 * fake in tests), read as offsets from the first reading so that deadlines compare without
 * overflow.
 *
 * <p>Thread-safe: see the lock.
 */
public final class LeaseExpiry {

    /** How long an expired lease waits before it is reported again, as in etcd. */
    public static final long DEFAULT_RETRY_NANOS = 3_000_000_000L;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    // Deadlines further out are clamped to this (about 146 years): no lease outlives it in a
    // running process, and offsets plus TTLs stay far from overflowing a long.
    private static final long TTL_NANOS_MAX = 1L << 62;

    /**
     * @param atNanos when the lease expires; once it has been reported ({@code reported}), when
     *     it is to be reported again
     */
    private record Deadline(long id, long ttlSeconds, long atNanos, boolean reported) {
    }

    private final LongSupplier nanos;
    private final long originNanos;
    private final long retryNanos;

    // Guards every field below. Taken by the apply thread (grants and revocations it applies,
    // promote and demote), by keep-alive and time-to-live callers (RPC threads) and by the
    // leader's expiry check; every operation under it is a few map and tree updates.
    private final Object lock = new Object();
    private boolean promoted;
    // Invariant: byId and byDeadline hold the same deadlines; both are empty unless promoted.
    private final Map<Long, Deadline> byId = new HashMap<>();
    private final NavigableSet<Deadline> byDeadline = new TreeSet<>(
            Comparator.comparingLong(Deadline::atNanos).thenComparingLong(Deadline::id));

    public LeaseExpiry(LongSupplier nanos) {
        this(nanos, DEFAULT_RETRY_NANOS);
    }

    /**
     * @param retryNanos how long an expired lease waits before it is reported again, should the
     *     revocation proposed for it get lost
     */
    public LeaseExpiry(LongSupplier nanos, long retryNanos) {
        if (retryNanos <= 0) {
            throw new IllegalArgumentException("retry interval must be > 0 ns, got "
                    + retryNanos);
        }
        this.nanos = nanos;
        this.originNanos = nanos.getAsLong();
        this.retryNanos = retryNanos;
    }

    /**
     * This node became leader: tracks {@code leases} (the table's {@link LeaseTable#list()}),
     * each with a deadline at its full TTL from now. Call it on the apply thread, so that no
     * grant or revocation is applied between the listing and the promotion.
     */
    public void promote(Collection<Lease> leases) {
        synchronized (lock) {
            clear();
            promoted = true;
            long now = now();
            for (Lease lease : leases) {
                track(lease.id(), lease.ttlSeconds(), now);
            }
        }
    }

    /** This node stopped being leader: forgets every deadline. */
    public void demote() {
        synchronized (lock) {
            clear();
            promoted = false;
        }
    }

    public boolean isPromoted() {
        synchronized (lock) {
            return promoted;
        }
    }

    /** The apply thread granted a lease: the leader starts its deadline; others ignore it. */
    public void onGranted(Lease lease) {
        synchronized (lock) {
            if (promoted) {
                untrack(lease.id());
                track(lease.id(), lease.ttlSeconds(), now());
            }
        }
    }

    /** The apply thread revoked a lease: its deadline goes. */
    public void onRevoked(long id) {
        synchronized (lock) {
            untrack(id);
        }
    }

    /**
     * Renews a lease: its deadline moves to its full TTL from now.
     *
     * @return the lease's TTL in seconds
     * @throws NotPrimaryException if this expiry is not promoted
     * @throws LeaseNotFoundException if the lease is unknown, or expired: its revocation may
     *     already be on its way through Raft, so renewing it would promise what the cluster is
     *     about to take back
     */
    public long keepAlive(long id) {
        synchronized (lock) {
            Deadline deadline = liveDeadline(id);
            untrack(id);
            track(id, deadline.ttlSeconds(), now());
            return deadline.ttlSeconds();
        }
    }

    /**
     * The seconds left before the lease expires, rounded up; 0 once its deadline has passed.
     *
     * @throws NotPrimaryException if this expiry is not promoted
     * @throws LeaseNotFoundException if the lease is unknown
     */
    public long remainingTtlSeconds(long id) {
        synchronized (lock) {
            requirePromoted();
            Deadline deadline = byId.get(id);
            if (deadline == null) {
                throw new LeaseNotFoundException(id);
            }
            long leftNanos = deadline.atNanos() - now();
            if (deadline.reported() || leftNanos <= 0) {
                return 0;
            }
            return (leftNanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
        }
    }

    /**
     * The leases whose deadline has passed, earliest first, at most {@code max} of them (etcd
     * also rate-limits revocations). Each is reported again only after the retry interval, in
     * case the revocation proposed for it is lost. Empty unless promoted.
     */
    public List<Long> expired(int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("max must be > 0, got " + max);
        }
        synchronized (lock) {
            long now = now();
            List<Deadline> due = new ArrayList<>();
            for (Deadline deadline : byDeadline) {
                if (deadline.atNanos() > now || due.size() == max) {
                    break;
                }
                due.add(deadline);
            }
            List<Long> ids = new ArrayList<>(due.size());
            for (Deadline deadline : due) {
                byDeadline.remove(deadline);
                Deadline retry = new Deadline(deadline.id(), deadline.ttlSeconds(),
                        now + retryNanos, true);
                byDeadline.add(retry);
                byId.put(deadline.id(), retry);
                ids.add(deadline.id());
            }
            return ids;
        }
    }

    // Caller holds the lock.
    private Deadline liveDeadline(long id) {
        requirePromoted();
        Deadline deadline = byId.get(id);
        if (deadline == null) {
            throw new LeaseNotFoundException(id);
        }
        if (deadline.reported() || deadline.atNanos() <= now()) {
            throw new LeaseNotFoundException(id, "lease " + id
                    + " has expired and is being revoked");
        }
        return deadline;
    }

    // Caller holds the lock.
    private void track(long id, long ttlSeconds, long now) {
        long ttlNanos = ttlSeconds >= TTL_NANOS_MAX / NANOS_PER_SECOND
                ? TTL_NANOS_MAX
                : ttlSeconds * NANOS_PER_SECOND;
        Deadline deadline = new Deadline(id, ttlSeconds, now + ttlNanos, false);
        byId.put(id, deadline);
        byDeadline.add(deadline);
    }

    // Caller holds the lock.
    private void untrack(long id) {
        Deadline deadline = byId.remove(id);
        if (deadline != null) {
            byDeadline.remove(deadline);
        }
    }

    // Caller holds the lock.
    private void clear() {
        byId.clear();
        byDeadline.clear();
    }

    // Caller holds the lock.
    private void requirePromoted() {
        if (!promoted) {
            throw new NotPrimaryException();
        }
    }

    private long now() {
        return nanos.getAsLong() - originNanos;
    }
}
