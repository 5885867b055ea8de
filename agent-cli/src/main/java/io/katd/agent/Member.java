package io.katd.agent;

import io.katd.kv.RaftStateStore;
import io.katd.kv.etcd.EtcdServer;
import io.katd.kv.etcd.PeerAddressFollower;
import io.katd.proto.member.MemberRecord;
import io.katd.kv.mvcc.MvccStore;
import io.katd.kv.mvcc.RocksDbBackend;
import io.katd.kv.sm.KvStateMachine;
import io.katd.kv.watch.WatchConfig;
import io.katd.proto.kv.KvResult;
import io.katd.proto.raft.ConfState;
import io.katd.raft.StateType;
import io.katd.raft.Status;
import io.katd.raft.node.RaftNode;
import io.katd.raft.node.RaftNodeConfig;
import io.katd.raft.node.DurableLog;
import io.katd.raft.storage.RocksDurableLog;
import io.katd.raft.storage.snapshot.FileSnapshotStore;
import io.katd.raft.transport.NettyTransport;
import io.katd.raft.transport.NettyTransportConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running katd member: the whole object graph, wired with plain constructors.
 *
 * <pre>
 *   dataDir/member.properties  MemberIdentity (cluster id, member id, name, peers)
 *   dataDir/raft               RocksDurableLog   (timed by TimedDurableLog)
 *   dataDir/snap               FileSnapshotStore (snapshots streamed between peers)
 *   dataDir/kv                 RocksDbBackend -> MvccStore -> KvStateMachine
 *   peer URL                   NettyTransport (handshake checks the cluster id)
 *                              RaftNode -> RaftStateStore (starts the node)
 *   client URLs                the client-facing services: see startClientServices
 *   metrics URL                OpsServer: /health and /metrics
 * </pre>
 *
 * <p>{@link #close} stops it in order: a leader first hands leadership to the most
 * up-to-date voter (bounded wait), then the HTTP server, the client services, the store
 * (which closes the node, its transport and log, then the state machine) and the threads.
 */
final class Member implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("katd.member");
    static final String RAFT_DIR = "raft";

    private final ClusterConfig config;
    private final MemberIdentity identity;
    private final String who;
    private final Metrics metrics = new Metrics();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService watchDelivery;
    private final NettyTransport transport;
    private final KvStateMachine stateMachine;
    private final RaftNode<KvResult> node;
    private final RaftStateStore store;
    private final Health health;
    private final LeaderView leaderView = new LeaderView();
    private OpsServer ops;
    private final List<EtcdServer> clientServers = new ArrayList<>();
    private PeerAddressFollower peerFollower;
    private MemberAnnouncement announcement;
    private FreshMemberCheck freshCheck;
    // Set when close begins, so that a node stopped by close is not taken for a failure.
    private volatile boolean closing;
    private boolean closed;

    private Member(ClusterConfig config, MemberIdentity identity) throws IOException {
        this.config = config;
        this.identity = identity;
        this.who = "member " + identity.name() + " (" + MemberIds.hex(identity.memberId()) + ")";
        Path dataDir = config.dataDir();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("katd-scheduler"));
        this.watchDelivery = Executors.newSingleThreadExecutor(daemon("katd-watch-delivery"));
        // What is open so far, closed in reverse order if a later step fails.
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            FileSnapshotStore snapshots = FileSnapshotStore.open(
                    Files.createDirectories(dataDir.resolve("snap")));
            this.transport = new NettyTransport(transportConfig(), snapshots);
            opened.push(transport);
            transport.setPeers(peerAddresses(identity));
            DurableLog log = openLog(dataDir);
            opened.push(log);
            MvccStore mvcc = MvccStore.open(RocksDbBackend.open(dataDir.resolve("kv")));
            opened.push(mvcc);
            this.stateMachine = new KvStateMachine(identity.memberId(), mvcc,
                    Files.createDirectories(dataDir.resolve("scratch")), System::nanoTime,
                    WatchConfig.defaults(), watchDelivery);
            opened.pop();
            opened.push(stateMachine);
            this.node = new RaftNode<>(nodeConfig(), new TimedDurableLog(log, metrics.histogram(
                    "katd_disk_wal_fsync_duration_seconds", "Time of each synced write of the"
                            + " Raft log.", 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032,
                    0.064, 0.128, 0.256, 0.512, 1.024, 2.048)), transport, stateMachine);
            node.addListener(new MemberEvents(who, metrics));
            node.addListener(leaderView);
            this.health = new Health(node, config.electionTimeout(), System::nanoTime);
            this.store = new RaftStateStore(node, stateMachine, new RaftStateStore.Options(
                    identity.name(), scheduler, Duration.ofMillis(500), Duration.ofSeconds(10)));
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            scheduler.shutdownNow();
            watchDelivery.shutdownNow();
            throw e;
        }
        MemberMetrics.register(metrics, node, stateMachine, transport, dataDir);
    }

    /**
     * Opens the member over {@code config.dataDir()} and starts it: storage, transport,
     * Raft node, store, client services and the HTTP endpoints. A founding member's empty
     * log is bootstrapped with {@code identity}'s peers as voters when {@code bootstrap}.
     *
     * @throws IOException when the data directory cannot be used
     * @throws IllegalStateException when an address cannot be bound
     */
    static Member start(ClusterConfig config, MemberIdentity identity) throws IOException {
        Member m = new Member(config, identity);
        try {
            m.startClientServices();
            m.ops = OpsServer.start(config.listenMetricsUrl().socketAddress(), m.health::check,
                    m.metrics);
            m.scheduler.scheduleAtFixedRate(m.health::sample, 0,
                    config.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("{} of cluster {} serving: peers on {}, metrics and health on {}", m.who,
                    MemberIds.hex(identity.clusterId()), config.listenPeerUrl(),
                    config.listenMetricsUrl());
            return m;
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private static Map<Long, InetSocketAddress> peerAddresses(MemberIdentity identity) {
        Map<Long, InetSocketAddress> peers = new TreeMap<>();
        identity.peers().forEach((id, url) -> {
            if (id != identity.memberId()) {
                peers.put(id, url.socketAddress());
            }
        });
        return peers;
    }

    private DurableLog openLog(Path dataDir) throws IOException {
        Path dir = dataDir.resolve(RAFT_DIR);
        RocksDurableLog log = RocksDurableLog.open(dir);
        if (log.isEmpty() && LogStartedMarker.present(dataDir)) {
            log.close();
            throw new UntrustedDataException("data directory " + dataDir + " belongs to "
                    + who + ", but its Raft log in " + dir + " is empty though it was written"
                    + " to before (" + LogStartedMarker.FILE + " exists): the log was lost or"
                    + " wiped. Refusing to start: a member that forgot what it acknowledged"
                    + " can break the cluster's safety. Remove the member and add it anew.");
        }
        if (log.isEmpty() && identity.founding()) {
            ConfState.Builder voters = ConfState.newBuilder();
            identity.peers().keySet().forEach(voters::addVoters);
            log.bootstrap(voters.build());
            LOG.info("{} bootstrapped its log with voters {}", who, identity.peers().keySet()
                    .stream().map(MemberIds::hex).toList());
        }
        // A joining member starts empty and receives a snapshot; its marker comes with the
        // first write.
        return LogStartedMarker.wrap(log, dataDir);
    }

    private NettyTransportConfig transportConfig() {
        NettyTransportConfig.Builder b = NettyTransportConfig.builder(identity.memberId(),
                MemberIds.hex(identity.clusterId()), config.listenPeerUrl().socketAddress())
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofSeconds(1));
        config.peerTls().ifPresent(t -> b.tls(new NettyTransportConfig.Tls(t.certFile(),
                t.keyFile(), t.trustedCaFile())));
        return b.build();
    }

    private RaftNodeConfig nodeConfig() {
        long threshold = config.snapshotThreshold();
        return RaftNodeConfig.builder(identity.memberId())
                .tickInterval(config.heartbeatInterval())
                .heartbeatInterval(config.heartbeatInterval())
                .electionTimeout(config.electionTimeout())
                .snapshotEvery(threshold, threshold / 2)
                .build();
    }

    /**
     * Starts what this member serves to clients and what keeps it in step with the
     * cluster's members: the etcd v3 gRPC API on every client URL, the peer table followed
     * from the replicated member records, and this member's own record.
     */
    private void startClientServices() {
        peerFollower = new PeerAddressFollower(stateMachine,
                new TransportAddressBook(identity.memberId(), transport));
        peerFollower.start();
        for (Endpoint url : config.listenClientUrls()) {
            EtcdServer.Options options = new EtcdServer.Options(url.host(), url.port(),
                    identity.clusterId(), config.maxRequestBytes(), Duration.ofSeconds(10),
                    Duration.ofMinutes(10), config.clientTls().map(t -> new EtcdServer.Tls(
                            t.certFile(), t.keyFile(), Optional.ofNullable(t.trustedCaFile()))));
            clientServers.add(new EtcdServer(options, store, node, stateMachine));
        }
        announcement = new MemberAnnouncement(who, ownRecord(), stateMachine, store,
                scheduler);
        if (FreshMemberCheck.pending(config.dataDir())) {
            // Publishing this member's record before the check would hide an earlier one.
            freshCheck = new FreshMemberCheck(identity, config.dataDir(), store, scheduler,
                    announcement::start);
            freshCheck.start();
        } else {
            announcement.start();
        }
        LOG.info("{} serves the etcd v3 API on {}", who, config.listenClientUrls());
    }

    /** This member's record as it should read in the cluster's member list. */
    MemberRecord ownRecord() {
        MemberRecord.Builder r = MemberRecord.newBuilder().setId(identity.memberId())
                .setName(identity.name())
                .addPeerUrls(config.initialAdvertisePeerUrl().toString());
        config.advertiseClientUrls().forEach(u -> r.addClientUrls(u.toString()));
        return r.build();
    }

    /** Stops what {@link #startClientServices} started. */
    private void stopClientServices() {
        if (freshCheck != null) {
            freshCheck.close();
        }
        if (announcement != null) {
            announcement.close();
        }
        for (EtcdServer s : clientServers) {
            s.close();
        }
        clientServers.clear();
        if (peerFollower != null) {
            peerFollower.close();
        }
    }

    RaftNode<KvResult> node() {
        return node;
    }

    RaftStateStore store() {
        return store;
    }

    MemberIdentity identity() {
        return identity;
    }

    InetSocketAddress metricsAddress() {
        return ops.address();
    }

    ClusterConfig config() {
        return config;
    }

    /**
     * Why this member must stop serving: it was created empty just now, but the cluster
     * knew it before (see {@link FreshMemberCheck}); null otherwise.
     */
    String refusal() {
        return freshCheck == null ? null : freshCheck.refusal();
    }

    /** Whether this member was created empty and the cluster has not confirmed it new yet. */
    boolean unverified() {
        return FreshMemberCheck.pending(config.dataDir());
    }

    Path dataDir() {
        return config.dataDir();
    }

    /** Whether {@link #close} has begun. */
    boolean isClosing() {
        return closing;
    }

    boolean isLeader() {
        return node.isRunning() && node.status().softState().raftState() == StateType.LEADER;
    }

    /** Campaigns and waits until this member leads, at most {@code timeout}. */
    void awaitLeadership(Duration timeout) throws TimeoutException {
        node.campaign();
        if (!awaitLeader(identity.memberId(), timeout)) {
            throw new TimeoutException(who + " did not become leader within " + timeout);
        }
    }

    /** Waits until this member sees {@code id} lead, at most {@code timeout}. */
    boolean awaitLeader(long id, Duration timeout) {
        try {
            return leaderView.awaitLeader(id, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a leader", e);
        }
    }

    /**
     * Hands leadership to the most up-to-date voter when this member leads, and waits
     * (at most two election timeouts) until this member sees that voter lead.
     */
    private void transferLeadership() {
        if (!isLeader()) {
            return;
        }
        Status s = node.status();
        long target = mostUpToDateVoter(s);
        if (target == 0) {
            LOG.info("{} leads with no other voter: no leadership transfer", who);
            return;
        }
        long term = s.hardState().getTerm();
        LOG.info("{} transferring leadership to {} at term {}", who, MemberIds.hex(target),
                term);
        node.transferLeadership(target);
        Duration timeout = config.electionTimeout().multipliedBy(2);
        if (awaitLeader(target, timeout)) {
            LOG.info("{} transferred leadership to {} (term {} -> {})", who,
                    MemberIds.hex(target), term, node.status().hardState().getTerm());
        } else {
            LOG.warn("{} could not transfer leadership to {} within {}; stopping anyway", who,
                    MemberIds.hex(target), timeout);
        }
    }

    /** The voter other than this member with the highest match index (lowest id on ties). */
    private long mostUpToDateVoter(Status s) {
        long best = 0;
        long bestMatch = -1;
        for (Map.Entry<Long, Status.PeerProgress> e : new TreeMap<>(s.progress()).entrySet()) {
            if (e.getKey() != s.id() && !e.getValue().isLearner()
                    && e.getValue().match() > bestMatch) {
                best = e.getKey();
                bestMatch = e.getValue().match();
            }
        }
        return best;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        LOG.info("{} stopping", who);
        transferLeadership();
        if (ops != null) {
            ops.close();
        }
        stopClientServices();
        store.close();
        scheduler.shutdownNow();
        watchDelivery.shutdown();
        LOG.info("{} stopped", who);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
