package io.katd.agent;

import io.grpc.StatusRuntimeException;
import io.katd.proto.etcd.etcdserverpb.MemberAddRequest;
import io.katd.proto.etcd.etcdserverpb.MemberAddResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node joins a running cluster: MemberAdd as a learner through any member, then the
 * identity from the answer (cluster id from the header, member id and every member's peer
 * URL from the member list) with {@code founding=false}, so that the member starts with an
 * empty log and waits for the leader's snapshot.
 */
final class Join {
    private static final Logger LOG = LoggerFactory.getLogger("katd.join");

    private Join() {}

    /**
     * Adds this node to the cluster and starts it.
     *
     * @throws ConfigException when the data directory already holds a member
     * @throws ClientException when no member answers or the cluster refuses the member, or
     *     the member was added but could not start (the message says how to remove it)
     */
    static Member join(ClusterConfig c, EtcdClient.Options client) throws IOException {
        Path dir = c.dataDir();
        if (MemberIdentity.present(dir)) {
            throw new ConfigException("data directory " + dir.toAbsolutePath() + " already"
                    + " holds a katd member: refusing to join with it (restart it with katd"
                    + " start --data-dir " + dir + ", or join with an empty --data-dir)");
        }
        String peerUrl = c.initialAdvertisePeerUrl().toString();
        MemberAddResponse added = add(client, peerUrl);
        MemberIdentity identity = identity(c, added);
        LOG.info("added to cluster {} as learner {} ({}) with peer URL {}; members: {}",
                MemberIds.hex(identity.clusterId()), c.name(), MemberIds.hex(identity
                        .memberId()), peerUrl, identity.peers());
        try {
            Files.createDirectories(dir);
            identity.write(dir);
            return Member.start(c, identity);
        } catch (IOException | RuntimeException e) {
            throw new ClientException("member " + c.name() + " ("
                    + MemberIds.hex(identity.memberId()) + ") was added to cluster "
                    + MemberIds.hex(identity.clusterId()) + " as a learner but could not"
                    + " start: " + e.getMessage() + ". The cluster still lists it; remove it"
                    + " with: katd ctl --endpoints " + String.join(",", client.endpoints())
                    + " member remove " + MemberIds.hex(identity.memberId())
                    + ", clear " + dir.toAbsolutePath() + ", then join again", e);
        }
    }

    private static MemberAddResponse add(EtcdClient.Options client, String peerUrl) {
        try (EtcdClient etcd = EtcdClient.connect(client)) {
            try {
                return etcd.cluster().memberAdd(MemberAddRequest.newBuilder()
                        .addPeerURLs(peerUrl).setIsLearner(true).build());
            } catch (StatusRuntimeException e) {
                String why = EtcdClient.describe(e);
                String hint = e.getStatus().getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED
                        ? " (the member may have been added anyway: check with katd ctl"
                        + " --endpoints " + etcd.target() + " member list)" : "";
                throw new ClientException("member " + etcd.target() + " refused to add a"
                        + " learner with peer URL " + peerUrl + ": " + why + hint, e);
            }
        }
    }

    /** This member's identity from the MemberAdd answer. */
    static MemberIdentity identity(ClusterConfig c, MemberAddResponse added) {
        long clusterId = added.getHeader().getClusterId();
        long memberId = added.getMember().getID();
        if (clusterId == 0 || memberId == 0) {
            throw new ClientException("the MemberAdd answer names no cluster id or member id: "
                    + added);
        }
        Map<Long, Endpoint> peers = new TreeMap<>();
        added.getMembersList().forEach(m -> {
            if (m.getPeerURLsCount() > 0) {
                Endpoint.parse(m.getPeerURLs(0)).endpoint().ifPresent(e -> peers.put(
                        m.getID(), e));
            }
        });
        peers.put(memberId, c.initialAdvertisePeerUrl());
        return new MemberIdentity(clusterId, "", memberId, c.name(), false, peers);
    }
}
