package io.katd.kv.sm;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.kv.lease.Lease;
import io.katd.kv.lease.LeaseExistsException;
import io.katd.kv.lease.LeaseExpiry;
import io.katd.kv.lease.LeaseNotFoundException;
import io.katd.kv.lease.LeaseTable;
import io.katd.kv.lease.NotPrimaryException;
import io.katd.kv.mvcc.Applied;
import io.katd.kv.mvcc.CompactedException;
import io.katd.kv.mvcc.DeleteRangeRequest;
import io.katd.kv.mvcc.FutureRevisionException;
import io.katd.kv.mvcc.MvccStore;
import io.katd.kv.mvcc.PutRequest;
import io.katd.kv.mvcc.RangeRequest;
import io.katd.kv.mvcc.RangeResult;
import io.katd.kv.mvcc.TxnOp;
import io.katd.kv.mvcc.TxnRequest;
import io.katd.kv.mvcc.TxnResult;
import io.katd.kv.watch.WatchConfig;
import io.katd.kv.watch.WatchHub;
import io.katd.proto.etcd.etcdserverpb.CompactionResponse;
import io.katd.proto.etcd.etcdserverpb.LeaseGrantRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseGrantResponse;
import io.katd.proto.etcd.etcdserverpb.LeaseRevokeResponse;
import io.katd.proto.etcd.etcdserverpb.LeaseKeepAliveResponse;
import io.katd.proto.etcd.etcdserverpb.ResponseHeader;
import io.katd.proto.etcd.mvccpb.Event;
import io.katd.proto.etcd.mvccpb.KeyValue;
import io.katd.proto.kv.KvCommand;
import io.katd.proto.kv.KvResult;
import io.katd.proto.kv.Rejection;
import io.katd.proto.lease.LeaseRecord;
import io.katd.proto.lease.LeaseTableSnapshot;
import io.katd.raft.node.StateMachine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated KV state machine: {@link KvCommand}s applied to an {@link MvccStore}, a
 * {@link LeaseTable} and a {@link WatchHub}, with etcd's responses as results. See
 * package-info.java for fencing, durability, snapshots and threading.
 */
public final class KvStateMachine implements StateMachine<KvResult>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KvStateMachine.class);

    private final long memberId;
    private final MvccStore store;
    private final Path scratchDir;
    private final LeaseTable leases = new LeaseTable();
    private final LeaseExpiry expiry;
    private final WatchHub hub;
    private final ExecutorService hubThread;
    // Guards store, leases and the hub's apply-side state. MvccStore, LeaseTable and the
    // hub's registration state are single-threaded, and three kinds of threads use them:
    // the raft thread (apply, snapshot, restore), readers after ReadIndex, and the hub's
    // tasks. A lock is simpler than routing reads through the raft thread (the runtime has
    // no task input) and reads are short: one range under the lock, no I/O waits beyond
    // the backend read. Never held while calling out to listeners or futures.
    private final ReentrantLock lock = new ReentrantLock();
    // Test-only canary (VERIFY.md, section 4, item 8): applies fenced commands from any
    // term. Production code never sets it.
    private volatile boolean fenceCheckDisabled;

    /**
     * @param memberId this node's id, for response headers
     * @param store the opened store; this state machine owns and closes it
     * @param scratchDir where snapshots are staged on their way in and out; must exist
     * @param leaseClock the monotonic clock of the leader-side lease deadlines (nanoseconds)
     * @param deliveryExecutor where watch listeners run
     */
    public KvStateMachine(long memberId, MvccStore store, Path scratchDir,
            LongSupplier leaseClock, WatchConfig watchConfig, java.util.concurrent.Executor
                    deliveryExecutor) throws IOException {
        this(memberId, store, scratchDir, leaseClock, watchConfig, null, deliveryExecutor);
    }

    /**
     * For a caller that owns the apply thread and runs everything on it, such as a
     * single-threaded simulation: no thread is started, and the watch hub's tasks go to
     * {@code hubTasks}, which must queue them and run them later on the apply thread (never
     * inline in {@code execute}).
     *
     * @param hubTasks queues the watch hub's apply-side tasks; the caller drains it
     */
    public KvStateMachine(long memberId, MvccStore store, Path scratchDir,
            LongSupplier leaseClock, WatchConfig watchConfig,
            java.util.concurrent.Executor hubTasks,
            java.util.concurrent.Executor deliveryExecutor) throws IOException {
        this.memberId = memberId;
        this.store = Objects.requireNonNull(store, "store");
        this.scratchDir = Objects.requireNonNull(scratchDir, "scratchDir");
        this.expiry = new LeaseExpiry(leaseClock);
        java.util.concurrent.Executor tasks;
        if (hubTasks == null) {
            this.hubThread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "kv-watch-" + memberId);
                t.setDaemon(true);
                return t;
            });
            tasks = hubThread::execute;
        } else {
            this.hubThread = null;
            tasks = hubTasks;
        }
        // The hub's "apply thread" is whoever holds the lock: its tasks queue on hubThread
        // (or the caller's queue) and run under the lock, so they never overlap an apply
        // (WatchHub's contract).
        this.hub = new WatchHub(store, watchConfig, task -> tasks.execute(() -> locked(
                task)), deliveryExecutor);
        rebuildLeases();
    }

    // ---- StateMachine (raft thread) ---------------------------------------------------

    @Override
    public KvResult apply(long index, ByteString command) {
        // The runtime always passes the term; without one, fenced commands cannot apply.
        return apply(index, 0, command);
    }

    @Override
    public KvResult apply(long index, long term, ByteString command) {
        lock.lock();
        try {
            KvCommand cmd;
            try {
                cmd = KvCommand.parseFrom(command);
            } catch (InvalidProtocolBufferException e) {
                store.markApplied(index);
                return reject(Rejection.Reason.INVALID, "not a KV command: " + e.getMessage(),
                        0);
            }
            if (cmd.getFenceTerm() != 0 && cmd.getFenceTerm() != term && !fenceCheckDisabled) {
                store.markApplied(index);
                return reject(Rejection.Reason.FENCED, "fenced at term " + cmd.getFenceTerm()
                        + ", but the entry was appended in term " + term, term);
            }
            return applyCommand(index, term, cmd);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    private KvResult applyCommand(long index, long term, KvCommand cmd) throws IOException {
        try {
            return switch (cmd.getCommandCase()) {
                case PUT -> applyPut(index, term, cmd.getPut());
                case DELETE_RANGE -> applyDelete(index, term, cmd.getDeleteRange());
                case TXN -> applyTxn(index, term, cmd.getTxn());
                case COMPACTION -> applyCompaction(index, term, cmd.getCompaction()
                        .getRevision());
                case LEASE_GRANT -> applyGrant(index, term, cmd.getLeaseGrant());
                case LEASE_REVOKE -> applyRevoke(index, term, cmd.getLeaseRevoke().getID());
                case LEASE_KEEP_ALIVE -> applyKeepAlive(index, term,
                        cmd.getLeaseKeepAlive().getID());
                case COMMAND_NOT_SET -> invalid(index, "empty KV command");
            };
        } catch (CompactedException e) {
            // The store already counted the entry as applied (its contract).
            return reject(Rejection.Reason.COMPACTED, e.getMessage(), e.compactRevision());
        } catch (FutureRevisionException e) {
            return reject(Rejection.Reason.FUTURE_REVISION, e.getMessage(),
                    e.currentRevision());
        }
    }

    private KvResult applyPut(long index, long term,
            io.katd.proto.etcd.etcdserverpb.PutRequest p) throws IOException {
        PutRequest put;
        try {
            put = Convert.put(PutDefaults.resolve(p, store));
        } catch (PutDefaults.KeyNotFound e) {
            store.markApplied(index);
            return reject(Rejection.Reason.KEY_NOT_FOUND, e.getMessage(), 0);
        } catch (IllegalArgumentException e) {
            return invalid(index, e.getMessage());
        }
        if (put.lease() != LeaseTable.NO_LEASE && !leases.contains(put.lease())) {
            return leaseNotFound(index, put.lease());
        }
        Applied<io.katd.kv.mvcc.PutResult> applied = store.put(index, put);
        afterWrite(applied.events());
        return KvResult.newBuilder().setPut(Convert.putResponse(header(term),
                applied.result())).build();
    }

    private KvResult applyDelete(long index, long term,
            io.katd.proto.etcd.etcdserverpb.DeleteRangeRequest d) throws IOException {
        DeleteRangeRequest delete;
        try {
            delete = Convert.deleteRange(d);
        } catch (IllegalArgumentException e) {
            return invalid(index, e.getMessage());
        }
        Applied<io.katd.kv.mvcc.DeleteRangeResult> applied = store.deleteRange(index, delete);
        afterWrite(applied.events());
        return KvResult.newBuilder().setDeleteRange(Convert.deleteResponse(header(term),
                applied.result())).build();
    }

    private KvResult applyTxn(long index, long term,
            io.katd.proto.etcd.etcdserverpb.TxnRequest request) throws IOException {
        TxnRequest txn;
        io.katd.proto.etcd.etcdserverpb.TxnRequest t;
        try {
            t = PutDefaults.resolve(request, store);
            txn = Convert.txn(t);
        } catch (PutDefaults.KeyNotFound e) {
            store.markApplied(index);
            return reject(Rejection.Reason.KEY_NOT_FOUND, e.getMessage(), 0);
        } catch (IllegalArgumentException e) {
            return invalid(index, e.getMessage());
        }
        // As etcd does, every lease a put names is checked before the transaction runs, so
        // the outcome does not depend on which branch is taken.
        for (long lease : Convert.leasesOf(t)) {
            if (!leases.contains(lease)) {
                return leaseNotFound(index, lease);
            }
        }
        Applied<TxnResult> applied = store.txn(index, txn);
        afterWrite(applied.events());
        return KvResult.newBuilder().setTxn(Convert.txnResponse(header(term),
                applied.result())).build();
    }

    private KvResult applyCompaction(long index, long term, long revision) throws IOException {
        if (revision < 1) {
            return invalid(index, "compaction revision must be >= 1, got " + revision);
        }
        store.compact(index, revision);
        hub.onCompacted(revision);
        return KvResult.newBuilder().setCompaction(CompactionResponse.newBuilder()
                .setHeader(header(term))).build();
    }

    private KvResult applyGrant(long index, long term, LeaseGrantRequest g) throws IOException {
        Lease lease;
        try {
            lease = leases.grant(g.getID(), g.getTTL());
        } catch (LeaseExistsException e) {
            store.markApplied(index);
            return reject(Rejection.Reason.LEASE_EXISTS, e.getMessage(), 0);
        } catch (IllegalArgumentException e) {
            return invalid(index, e.getMessage());
        }
        store.stageAttachment(leaseSet());
        store.markApplied(index);
        expiry.onGranted(lease);
        return KvResult.newBuilder().setLeaseGrant(LeaseGrantResponse.newBuilder()
                .setHeader(header(term)).setID(lease.id()).setTTL(lease.ttlSeconds())).build();
    }

    private KvResult applyRevoke(long index, long term, long id) throws IOException {
        List<ByteString> keys;
        try {
            keys = leases.revoke(id);
        } catch (LeaseNotFoundException e) {
            return leaseNotFound(index, id);
        }
        store.stageAttachment(leaseSet());
        if (keys.isEmpty()) {
            store.markApplied(index);
        } else {
            // All of the lease's keys go in one revision, as in etcd.
            List<TxnOp> deletes = new ArrayList<>(keys.size());
            for (ByteString key : keys) {
                deletes.add(DeleteRangeRequest.single(key));
            }
            afterWrite(store.txn(index, new TxnRequest(List.of(), deletes, List.of())).events());
        }
        expiry.onRevoked(id);
        return KvResult.newBuilder().setLeaseRevoke(LeaseRevokeResponse.newBuilder()
                .setHeader(header(term))).build();
    }

    private void afterWrite(List<Event> events) {
        leases.applyEvents(events);
        if (!events.isEmpty()) {
            hub.onApplied(store.currentRevision(), events);
        }
    }

    private ResponseHeader header(long term) {
        return ResponseHeader.newBuilder().setMemberId(memberId)
                .setRevision(store.currentRevision()).setRaftTerm(term).build();
    }

    /**
     * A keep-alive changes no replicated state: only the leader's in-memory deadline moves.
     * Every replica answers with the lease's TTL, so results agree wherever it applies.
     */
    private KvResult applyKeepAlive(long index, long term, long id) throws IOException {
        if (!leases.contains(id)) {
            return leaseNotFound(index, id);
        }
        long ttl = leases.get(id, false).ttlSeconds();
        if (expiry.isPromoted()) {
            try {
                expiry.keepAlive(id);
            } catch (LeaseNotFoundException | NotPrimaryException e) {
                // Expired on the leader (its revocation is on the way) or demoted meanwhile:
                // the renewal has no effect, like a keep-alive that arrived too late.
                ttl = 0;
            }
        }
        store.markApplied(index);
        return KvResult.newBuilder().setLeaseKeepAlive(LeaseKeepAliveResponse.newBuilder()
                .setHeader(header(term)).setID(id).setTTL(ttl)).build();
    }

    private KvResult invalid(long index, String message) throws IOException {
        store.markApplied(index);
        return reject(Rejection.Reason.INVALID, message, 0);
    }

    private KvResult leaseNotFound(long index, long lease) throws IOException {
        store.markApplied(index);
        return reject(Rejection.Reason.LEASE_NOT_FOUND, "lease " + lease + " not found", 0);
    }

    private static KvResult reject(Rejection.Reason reason, String message, long detail) {
        return KvResult.newBuilder().setRejected(Rejection.newBuilder().setReason(reason)
                .setMessage(message == null ? "" : message).setRevisionOrTerm(detail)).build();
    }

    @Override
    public void markApplied(long index) {
        lock.lock();
        try {
            if (index > store.appliedIndex()) {
                store.markApplied(index);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long appliedIndex() {
        lock.lock();
        try {
            return store.appliedIndex();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ByteString snapshot() {
        lock.lock();
        Path dir = scratchDir.resolve("snapshot-out-" + System.nanoTime());
        try {
            store.snapshot(dir);
            return SnapshotArchive.pack(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(dir);
            lock.unlock();
        }
    }

    @Override
    public void restore(long index, ByteString data) {
        lock.lock();
        try {
            if (data.isEmpty()) {
                restoreInitial(index);
                return;
            }
            restoreArchive(index, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    private void restoreInitial(long index) throws IOException {
        if (store.currentRevision() != MvccStore.INITIAL_REVISION || !leases.list().isEmpty()) {
            throw new IllegalStateException("cannot restore the initial state at index " + index
                    + " over a store at revision " + store.currentRevision());
        }
        if (index > store.appliedIndex()) {
            store.markApplied(index);
        }
    }

    private void restoreArchive(long index, ByteString data) throws IOException {
        Path dir = scratchDir.resolve("snapshot-in-" + System.nanoTime());
        try {
            SnapshotArchive.unpack(data, dir);
            store.restore(dir);
        } finally {
            deleteQuietly(dir);
        }
        if (store.appliedIndex() != index) {
            throw new IllegalStateException("snapshot for index " + index
                    + " holds a store applied up to " + store.appliedIndex());
        }
        rebuildLeases();
        if (expiry.isPromoted()) {
            expiry.promote(leases.list());
        }
        hub.onRestored();
        LOG.info("member {} restored the KV state at index {}: revision {}", memberId, index,
                store.currentRevision());
    }

    /**
     * The lease set as persisted next to the key-values: ids, TTLs and the id counter, but no
     * keys, which the key-values themselves name (see {@link #rebuildLeases}).
     */
    private byte[] leaseSet() {
        try {
            LeaseTableSnapshot.Builder b = LeaseTableSnapshot.parseFrom(leases.snapshot())
                    .toBuilder();
            for (int i = 0; i < b.getLeasesCount(); i++) {
                b.setLeases(i, b.getLeases(i).toBuilder().clearKeys());
            }
            return b.build().toByteArray();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the lease table wrote an unreadable snapshot", e);
        }
    }

    /** Lease set from the store's attachment; attachments from the keys' lease fields. */
    private void rebuildLeases() throws IOException {
        byte[] set = store.attachment().orElseGet(() -> LeaseTableSnapshot.newBuilder()
                .setNextId(1).build().toByteArray());
        LeaseTableSnapshot.Builder withKeys = LeaseTableSnapshot.parseFrom(set).toBuilder();
        RangeResult all = store.range(RangeRequest.prefix(ByteString.EMPTY).withKeysOnly());
        for (KeyValue kv : all.kvs()) {
            if (kv.getLease() != LeaseTable.NO_LEASE) {
                addKey(withKeys, kv);
            }
        }
        leases.restore(withKeys.build().toByteArray());
    }

    private static void addKey(LeaseTableSnapshot.Builder b, KeyValue kv) {
        for (int i = 0; i < b.getLeasesCount(); i++) {
            LeaseRecord r = b.getLeases(i);
            if (r.getId() == kv.getLease()) {
                // Ranges come out in unsigned key order, which the snapshot requires.
                b.setLeases(i, r.toBuilder().addKeys(kv.getKey()));
                return;
            }
        }
        throw new IllegalStateException("key " + kv.getKey().toStringUtf8() + " names lease "
                + kv.getLease() + ", which the persisted lease set does not hold");
    }

    // ---- readers (any thread) -----------------------------------------------------------

    /** Reads a range of the applied state; call after ReadIndex for a linearizable read. */
    public RangeResult range(RangeRequest request) throws IOException {
        lock.lock();
        try {
            return store.range(request);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Serves etcd's Range on the applied state, revision filters included; the header
     * carries only the store's revision. Call after ReadIndex for a linearizable read.
     *
     * @throws IllegalArgumentException for a request the store cannot serve (empty key)
     */
    public io.katd.proto.etcd.etcdserverpb.RangeResponse range(
            io.katd.proto.etcd.etcdserverpb.RangeRequest request) throws IOException {
        lock.lock();
        try {
            return RangeReads.serve(request, store);
        } finally {
            lock.unlock();
        }
    }

    /** The revision up to which history has been compacted; 0 if never compacted. */
    public long compactRevision() {
        lock.lock();
        try {
            return store.compactRevision();
        } finally {
            lock.unlock();
        }
    }

    public long currentRevision() {
        lock.lock();
        try {
            return store.currentRevision();
        } finally {
            lock.unlock();
        }
    }

    /** The lease as applied here, with its keys; empty if there is no such lease. */
    public Optional<Lease> lease(long id) {
        lock.lock();
        try {
            return leases.contains(id) ? Optional.of(leases.get(id, true)) : Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    public List<Lease> leases() {
        lock.lock();
        try {
            return leases.list();
        } finally {
            lock.unlock();
        }
    }

    /** The hub for watches on this node's applied state; its watch and cancel are any-thread. */
    public WatchHub watchHub() {
        return hub;
    }

    /**
     * The leader-side lease deadlines. Promote and demote through this class, never on the
     * expiry itself, so that no grant or revocation applies between listing and promoting.
     */
    public LeaseExpiry leaseExpiry() {
        return expiry;
    }

    /** This node became leader: lease deadlines restart at their full TTL. */
    public void promoteLeaseExpiry() {
        lock.lock();
        try {
            expiry.promote(leases.list());
        } finally {
            lock.unlock();
        }
    }

    public void demoteLeaseExpiry() {
        expiry.demote();
    }

    /** Test-only switch for the fencing canary; see the field. */
    void disableFenceCheckForCanary() {
        LOG.warn("member {}: the fence check is disabled (canary)", memberId);
        fenceCheckDisabled = true;
    }

    private void locked(Runnable task) {
        lock.lock();
        try {
            task.run();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the watch hub and the store; call after the Raft node stopped. */
    @Override
    public void close() {
        hub.close();
        if (hubThread != null) {
            hubThread.shutdown();
        }
        lock.lock();
        try {
            store.close();
        } finally {
            lock.unlock();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not delete the snapshot staging directory {}", dir, e);
        }
    }
}
