package io.katd.agent;

import io.katd.kv.etcd.PeerAddressBook;
import io.katd.raft.transport.NettyTransport;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the peer transport's address table in step with the replicated member records:
 * a member added, moved or removed anywhere in the cluster is reachable (or forgotten)
 * here once its record applies.
 */
final class TransportAddressBook implements PeerAddressBook {
    private static final Logger LOG = LoggerFactory.getLogger("katd.members");

    private final long selfId;
    private final NettyTransport transport;

    TransportAddressBook(long selfId, NettyTransport transport) {
        this.selfId = selfId;
        this.transport = transport;
    }

    @Override
    public void upsert(long memberId, List<String> peerUrls) {
        if (memberId == selfId) {
            return;
        }
        if (peerUrls.isEmpty()) {
            LOG.warn("member {} has no peer URL in its record: not reachable", MemberIds.hex(
                    memberId));
            return;
        }
        Endpoint.Parsed parsed = Endpoint.parse(peerUrls.get(0));
        if (parsed.endpoint().isEmpty()) {
            LOG.warn("member {} has an unusable peer URL {}: {}", MemberIds.hex(memberId),
                    peerUrls.get(0), parsed.problem().orElse(""));
            return;
        }
        transport.putPeer(memberId, parsed.endpoint().get().socketAddress());
    }

    @Override
    public void remove(long memberId) {
        if (memberId != selfId) {
            transport.removePeer(memberId);
            LOG.info("member {} removed from the peer table", MemberIds.hex(memberId));
        }
    }
}
