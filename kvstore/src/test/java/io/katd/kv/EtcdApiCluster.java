package io.katd.kv;

import io.katd.kv.etcd.EtcdServer;
import io.katd.kv.etcd.MemberRecords;
import io.katd.proto.member.MemberRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link KvCluster} of three in-memory members, node 1 leading, each serving the etcd v3
 * API on 127.0.0.1 at a free port, with the member records written at bootstrap.
 */
final class EtcdApiCluster implements AutoCloseable {
    static final long CLUSTER_ID = 0x6b61746463L;

    final KvCluster kv;
    final Map<Long, EtcdServer> servers = new TreeMap<>();

    EtcdApiCluster(long seed, Path dir) {
        this(seed, dir, EtcdServer.DEFAULT_MAX_REQUEST_BYTES);
    }

    EtcdApiCluster(long seed, Path dir, int maxRequestBytes) {
        kv = KvCluster.inMemory(seed, dir);
        List<MemberRecord> records = new ArrayList<>();
        for (long id : KvCluster.IDS) {
            EtcdServer.Options defaults = EtcdServer.Options.plaintext("127.0.0.1", 0,
                    CLUSTER_ID);
            EtcdServer.Options options = new EtcdServer.Options(defaults.host(), 0,
                    CLUSTER_ID, maxRequestBytes, defaults.requestTimeout(),
                    java.time.Duration.ofMillis(200), defaults.tls());
            EtcdServer server = new EtcdServer(options, kv.store(id), kv.nodes.get(id),
                    kv.machine(id));
            servers.put(id, server);
            records.add(MemberRecord.newBuilder().setId(id).setName("member-" + id)
                    .addPeerUrls("http://127.0.0.1:" + (30000 + id))
                    .addClientUrls(server.clientUrl()).build());
        }
        long revision = Waits.get(MemberRecords.bootstrap(kv.store(1), records));
        // Every member has applied the records before a test starts.
        Waits.until("members applied the member records", () -> KvCluster.IDS.length
                == java.util.Arrays.stream(KvCluster.IDS)
                        .filter(id -> kv.machine(id).currentRevision() >= revision).count());
    }

    String endpoint(long id) {
        return servers.get(id).clientUrl();
    }

    String endpoints() {
        return String.join(",", servers.values().stream().map(EtcdServer::clientUrl)
                .toList());
    }

    @Override
    public void close() {
        for (EtcdServer s : servers.values()) {
            s.close();
        }
        kv.close();
    }
}
