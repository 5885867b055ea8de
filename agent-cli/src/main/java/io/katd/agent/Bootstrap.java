package io.katd.agent;

import com.google.protobuf.ByteString;
import io.katd.kv.etcd.MemberRecords;
import io.katd.proto.member.MemberRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a member comes to be: {@link #init} founds a new single-member cluster; {@link
 * #start} restarts a member from its data directory, or creates it by static bootstrap
 * from the initial cluster when the directory is empty.
 */
final class Bootstrap {
    private static final Logger LOG = LoggerFactory.getLogger("katd.bootstrap");
    static final ByteString CLUSTER_UID_KEY = ByteString.copyFromUtf8("/kat/config/cluster_uid");
    static final ByteString CLUSTER_CONFIG_KEY =
            ByteString.copyFromUtf8("/kat/config/cluster_config");
    private static final Duration INIT_TIMEOUT = Duration.ofSeconds(30);

    private Bootstrap() {}

    /**
     * Founds a cluster whose only member is this node, and returns it running as leader
     * with the cluster UID and {@code configText} stored under /kat/config/.
     *
     * @throws ConfigException when the data directory already holds a member
     */
    static Member init(ClusterConfig c, String configText) throws IOException,
            TimeoutException, InterruptedException, ExecutionException {
        Path dir = c.dataDir();
        if (MemberIdentity.present(dir)) {
            throw new ConfigException("data directory " + dir.toAbsolutePath() + " already"
                    + " holds a katd member: refusing to initialize over it (restart it with"
                    + " katd start --data-dir " + dir + ")");
        }
        Files.createDirectories(dir);
        String uid = UUID.randomUUID().toString();
        long clusterId = MemberIds.clusterIdOfUid(uid);
        long memberId = MemberIds.memberId(c.name(), uid);
        MemberIdentity identity = new MemberIdentity(clusterId, uid, memberId, c.name(), true,
                Map.of(memberId, c.initialAdvertisePeerUrl()));
        identity.write(dir);
        Member m = Member.start(c, identity);
        try {
            m.awaitLeadership(INIT_TIMEOUT);
            long timeout = INIT_TIMEOUT.toMillis();
            m.store().put(CLUSTER_UID_KEY, ByteString.copyFromUtf8(uid))
                    .get(timeout, TimeUnit.MILLISECONDS);
            m.store().put(CLUSTER_CONFIG_KEY, ByteString.copyFromUtf8(configText))
                    .get(timeout, TimeUnit.MILLISECONDS);
            // Published now rather than by the member's background announcement, so that the
            // cluster can take a new member (which must learn this one's peer URL) at once.
            MemberRecord record = m.ownRecord();
            m.store().put(MemberRecords.key(record.getId()), record.toByteString())
                    .get(timeout, TimeUnit.MILLISECONDS);
            LOG.info("initialized cluster {} (cluster id {}) with member {} ({}) as leader at"
                    + " term {}", uid, MemberIds.hex(clusterId), c.name(),
                    MemberIds.hex(memberId), m.node().status().hardState().getTerm());
            return m;
        } catch (TimeoutException | InterruptedException | ExecutionException
                | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Starts the member in {@code c.dataDir()}, creating it first by static bootstrap when
     * the directory is empty and an initial cluster was given.
     *
     * @throws ConfigException when the directory holds no member and no initial cluster
     *     was given, or the flags contradict the member found
     */
    static Member start(ClusterConfig c) throws IOException {
        Path dir = c.dataDir();
        if (Files.exists(MemberIdentity.file(dir))) {
            MemberIdentity identity = MemberIdentity.read(dir);
            if (c.explicit().contains("name") && !c.name().equals(identity.name())) {
                throw new ConfigException("data directory " + dir + " belongs to member "
                        + Cidrs.quote(identity.name()) + ", not " + Cidrs.quote(c.name()));
            }
            LOG.info("restarting member {} ({}) of cluster {} from {}", identity.name(),
                    MemberIds.hex(identity.memberId()), MemberIds.hex(identity.clusterId()),
                    dir);
            return Member.start(c, identity);
        }
        if (MemberIdentity.present(dir)) {
            throw new UntrustedDataException("data directory " + dir + " holds a Raft log but no "
                    + MemberIdentity.FILE + ": it is damaged; refusing to start");
        }
        if (!c.explicit().contains("initialCluster")) {
            throw new ConfigException("data directory " + dir.toAbsolutePath() + " holds no"
                    + " katd member: create one with katd init, or start with --initial-cluster");
        }
        return Member.start(c, staticIdentity(c, dir));
    }

    /** The identity every founding member computes alike from the token and the list. */
    static MemberIdentity staticIdentity(ClusterConfig c, Path dir) throws IOException {
        String token = c.initialClusterToken();
        Map<Long, Endpoint> peers = new LinkedHashMap<>();
        c.initialCluster().forEach((name, url) -> peers.put(MemberIds.memberId(name, token),
                url));
        if (peers.size() != c.initialCluster().size()) {
            throw new ConfigException("two members of the initial cluster have the same id;"
                    + " rename one of them");
        }
        MemberIdentity identity = new MemberIdentity(
                MemberIds.clusterId(token, c.initialCluster()), "",
                MemberIds.memberId(c.name(), token), c.name(),
                c.initialClusterState() == ClusterState.NEW, peers);
        Files.createDirectories(dir);
        if (identity.founding()) {
            // Before the identity: a start cut short after it still checks the member.
            FreshMemberCheck.mark(dir);
        }
        identity.write(dir);
        LOG.info("created member {} ({}) of cluster {} ({} cluster of {})", c.name(),
                MemberIds.hex(identity.memberId()), MemberIds.hex(identity.clusterId()),
                c.initialClusterState().text(), ClusterConfig.render(c.initialCluster()));
        return identity;
    }
}
