package io.katd.kv.lease;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.proto.etcd.mvccpb.Event;
import io.katd.proto.lease.LeaseRecord;
import io.katd.proto.lease.LeaseTableSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The replicated lease table: lease ids, granted TTLs and attached keys. A deterministic part of
 * the state machine: every replica applies the same operations in log order and ends with the
 * same table and the same {@link #snapshot()} bytes. No clock here; deadlines belong to
 * {@link LeaseExpiry}, on the leader only.
 *
 * <p>Not thread-safe: the apply thread owns it, as it owns the MVCC store.
 */
public final class LeaseTable {

    /** The lease id of a key without lease. */
    public static final long NO_LEASE = 0;

    /** The longest TTL a lease can be granted with, as in etcd (about 285 years). */
    public static final long MAX_TTL_SECONDS = 9_000_000_000L;

    private static final Comparator<ByteString> KEY_ORDER =
            ByteString.unsignedLexicographicalComparator();

    /** One lease's mutable entry. */
    private static final class Entry {
        final long ttlSeconds;
        final NavigableSet<ByteString> keys = new TreeSet<>(KEY_ORDER);

        Entry(long ttlSeconds) {
            this.ttlSeconds = ttlSeconds;
        }
    }

    // Ordered by id so that listings and snapshots come out the same on every replica.
    private NavigableMap<Long, Entry> leases = new TreeMap<>();
    // Invariant: key -> lease exactly for the keys in the lease entries' key sets. Only looked
    // up, never iterated, so its hash order cannot leak into results.
    private Map<ByteString, Long> leaseByKey = new HashMap<>();
    // Invariant: >= 1. A grant without id takes the first free id from here and moves it past.
    private long nextId = 1;

    /**
     * Grants a lease. With {@code id} 0 the table chooses the id: the first free one from an
     * internal counter that only grows, so an id it chose is never chosen again.
     *
     * @param ttlSeconds between 1 and {@link #MAX_TTL_SECONDS}; the proposer raises a TTL below
     *     the cluster's minimum before proposing, so replicas never depend on local settings
     * @throws LeaseExistsException if {@code id} is already granted
     */
    public Lease grant(long id, long ttlSeconds) {
        if (id < 0) {
            throw new IllegalArgumentException("lease id must be >= 0, got " + id);
        }
        checkTtl(ttlSeconds);
        long granted = id;
        if (granted == NO_LEASE) {
            granted = nextId;
            while (leases.containsKey(granted)) {
                granted = Math.addExact(granted, 1);
            }
            nextId = Math.addExact(granted, 1);
        } else if (leases.containsKey(granted)) {
            throw new LeaseExistsException(granted);
        }
        leases.put(granted, new Entry(ttlSeconds));
        return new Lease(granted, ttlSeconds, List.of());
    }

    /**
     * Removes a lease and returns its keys, in unsigned byte order: the state machine deletes
     * them in the same applied entry.
     *
     * @throws LeaseNotFoundException if there is no such lease
     */
    public List<ByteString> revoke(long id) {
        Entry entry = leases.remove(id);
        if (entry == null) {
            throw new LeaseNotFoundException(id);
        }
        for (ByteString key : entry.keys) {
            leaseByKey.remove(key);
        }
        return List.copyOf(entry.keys);
    }

    /**
     * Attaches {@code key} to lease {@code leaseId}, detaching it from the lease it had, if any:
     * a key belongs to at most one lease, the one of its last put.
     *
     * @throws LeaseNotFoundException if there is no such lease
     */
    public void attach(long leaseId, ByteString key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("an empty key cannot be attached to a lease");
        }
        Entry entry = leases.get(leaseId);
        if (entry == null) {
            throw new LeaseNotFoundException(leaseId);
        }
        detach(key);
        entry.keys.add(key);
        leaseByKey.put(key, leaseId);
    }

    /** Detaches {@code key} from its lease; returns that lease's id, or {@link #NO_LEASE}. */
    public long detach(ByteString key) {
        Long leaseId = leaseByKey.remove(key);
        if (leaseId == null) {
            return NO_LEASE;
        }
        leases.get(leaseId).keys.remove(key);
        return leaseId;
    }

    /**
     * Follows an applied write's events: a put attaches its key to the put's lease (or detaches
     * it, for a put without lease), a delete detaches its key. The state machine checks
     * {@link #contains} for a put's lease before it writes, as etcd does, so an unknown lease
     * here is a bug.
     *
     * @throws IllegalStateException if a put names a lease that does not exist
     */
    public void applyEvents(List<Event> events) {
        for (Event event : events) {
            ByteString key = event.getKv().getKey();
            long lease = event.getKv().getLease();
            if (event.getType() != Event.EventType.PUT || lease == NO_LEASE) {
                detach(key);
            } else if (contains(lease)) {
                attach(lease, key);
            } else {
                throw new IllegalStateException("put of key " + key.toStringUtf8()
                        + " at revision " + event.getKv().getModRevision() + " names lease "
                        + lease + ", which does not exist: leases must be checked before"
                        + " the write");
            }
        }
    }

    public boolean contains(long id) {
        return leases.containsKey(id);
    }

    /**
     * The lease with its granted TTL and, if {@code withKeys}, its keys: etcd's time-to-live
     * answer without the remaining TTL, which only the leader's {@link LeaseExpiry} knows.
     *
     * @throws LeaseNotFoundException if there is no such lease
     */
    public Lease get(long id, boolean withKeys) {
        Entry entry = leases.get(id);
        if (entry == null) {
            throw new LeaseNotFoundException(id);
        }
        return new Lease(id, entry.ttlSeconds, withKeys ? List.copyOf(entry.keys) : List.of());
    }

    /** The lease of {@code key}, or {@link #NO_LEASE}. */
    public long leaseOf(ByteString key) {
        return leaseByKey.getOrDefault(key, NO_LEASE);
    }

    /** Every lease, by id, without keys. */
    public List<Lease> list() {
        List<Lease> all = new ArrayList<>(leases.size());
        leases.forEach((id, entry) -> all.add(new Lease(id, entry.ttlSeconds, List.of())));
        return all;
    }

    public int size() {
        return leases.size();
    }

    /**
     * The whole table as bytes, for the state machine's snapshot: equal tables give equal
     * bytes.
     */
    public byte[] snapshot() {
        LeaseTableSnapshot.Builder snapshot = LeaseTableSnapshot.newBuilder().setNextId(nextId);
        leases.forEach((id, entry) -> snapshot.addLeases(LeaseRecord.newBuilder()
                .setId(id).setTtlSeconds(entry.ttlSeconds).addAllKeys(entry.keys)));
        return snapshot.build().toByteArray();
    }

    /**
     * Replaces the whole table with one {@link #snapshot()} wrote. Snapshot bytes come from
     * disk or from the leader, so they are checked; on any error the table is left unchanged.
     *
     * @throws IllegalArgumentException if the bytes are not a valid lease table snapshot
     */
    public void restore(byte[] bytes) {
        LeaseTableSnapshot snapshot;
        try {
            snapshot = LeaseTableSnapshot.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("corrupt lease table snapshot: " + e.getMessage(),
                    e);
        }
        if (snapshot.getNextId() < 1) {
            throw corrupt("next id " + snapshot.getNextId() + " is below 1");
        }
        NavigableMap<Long, Entry> restored = new TreeMap<>();
        Map<ByteString, Long> restoredByKey = new HashMap<>();
        for (LeaseRecord record : snapshot.getLeasesList()) {
            restoreRecord(record, restored, restoredByKey);
        }
        leases = restored;
        leaseByKey = restoredByKey;
        nextId = snapshot.getNextId();
    }

    private static void restoreRecord(LeaseRecord record, NavigableMap<Long, Entry> restored,
            Map<ByteString, Long> restoredByKey) {
        long id = record.getId();
        if (id <= 0 || (!restored.isEmpty() && id <= restored.lastKey())) {
            throw corrupt("lease id " + id + " is not positive or not in ascending order");
        }
        if (record.getTtlSeconds() < 1 || record.getTtlSeconds() > MAX_TTL_SECONDS) {
            throw corrupt("lease " + id + " has TTL " + record.getTtlSeconds());
        }
        Entry entry = new Entry(record.getTtlSeconds());
        for (ByteString key : record.getKeysList()) {
            if (key.isEmpty() || (!entry.keys.isEmpty()
                    && KEY_ORDER.compare(key, entry.keys.last()) <= 0)) {
                throw corrupt("lease " + id + " has an empty key or keys out of order");
            }
            Long other = restoredByKey.put(key, id);
            if (other != null) {
                throw corrupt("key " + key.toStringUtf8() + " is attached to leases " + other
                        + " and " + id);
            }
            entry.keys.add(key);
        }
        restored.put(id, entry);
    }

    private static IllegalArgumentException corrupt(String detail) {
        return new IllegalArgumentException("corrupt lease table snapshot: " + detail);
    }

    private static void checkTtl(long ttlSeconds) {
        if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
            throw new IllegalArgumentException("lease TTL must be between 1 and "
                    + MAX_TTL_SECONDS + " seconds, got " + ttlSeconds);
        }
    }
}
