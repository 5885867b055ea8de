package io.katd.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.katd.agent.ClusterConfig.Source;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.katd.kv.KV;
import io.katd.proto.etcd.etcdserverpb.KVGrpc;
import io.katd.proto.etcd.etcdserverpb.PutRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** init and start in this JVM, checked through the store. */
class BootstrapTest {
    private static final Source TEST = new Source(Origin.DEFAULT, "test");

    @TempDir
    Path tmp;

    private ClusterConfig config(Path dataDir) {
        return builder(dataDir).build();
    }

    private ClusterConfig.Builder builder(Path dataDir) {
        Endpoint peer = new Endpoint("http", "127.0.0.1", Ports.free());
        return ClusterConfig.builder().name("solo", TEST).dataDir(dataDir, TEST)
                .listenPeerUrls(List.of(peer), TEST)
                .listenClientUrls(List.of(new Endpoint("http", "127.0.0.1", Ports.free())), TEST)
                .listenMetricsUrls(List.of(new Endpoint("http", "127.0.0.1", Ports.free())),
                        TEST)
                .electionTimeout(Duration.ofMillis(500), TEST)
                .heartbeatInterval(Duration.ofMillis(50), TEST);
    }

    private static Optional<String> value(Member m, ByteString key) throws Exception {
        Optional<KV> kv = m.store().get(key).get(10, TimeUnit.SECONDS);
        return kv.map(v -> v.value().toStringUtf8());
    }

    @Test
    void initStoresTheClusterUidAndConfigAndStartRestartsWithTheData() throws Exception {
        Path dir = tmp.resolve("data");
        ClusterConfig c = config(dir);
        MemberIdentity identity;
        try (Member m = Bootstrap.init(c, "the config text")) {
            assertThat(m.isLeader()).isTrue();
            identity = MemberIdentity.read(dir);
            assertThat(identity.name()).isEqualTo("solo");
            assertThat(identity.clusterUid()).matches("[0-9a-f-]{36}");
            assertThat(identity.clusterId()).isEqualTo(
                    MemberIds.clusterIdOfUid(identity.clusterUid()));
            assertThat(identity.memberId()).isEqualTo(m.node().id());
            assertThat(identity.founding()).isTrue();
            assertThat(value(m, Bootstrap.CLUSTER_UID_KEY)).contains(identity.clusterUid());
            assertThat(value(m, Bootstrap.CLUSTER_CONFIG_KEY)).contains("the config text");
            m.store().put(ByteString.copyFromUtf8("/app/x"), ByteString.copyFromUtf8("1"))
                    .get(10, TimeUnit.SECONDS);
            assertThat(new HealthProbe().ask("http://" + c.listenMetricsUrl().host() + ":"
                    + c.listenMetricsUrl().port())).hasValueSatisfying(a -> {
                        assertThat(a.healthy()).isTrue();
                        assertThat(a.leader()).isEqualTo(identity.memberId());
                    });
        }
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
                .doesNotContain(MemberIdentity.FILE + ".tmp");

        assertThatThrownBy(() -> Bootstrap.init(config(dir), "again"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("data directory " + dir.toAbsolutePath()
                        + " already holds a katd member");

        try (Member m = Bootstrap.start(config(dir))) {
            m.awaitLeadership(Duration.ofSeconds(10));
            assertThat(m.identity()).isEqualTo(identity);
            assertThat(value(m, Bootstrap.CLUSTER_UID_KEY)).contains(identity.clusterUid());
            assertThat(value(m, ByteString.copyFromUtf8("/app/x"))).contains("1");
        }
    }

    @Test
    void aFoundingMemberWhoseLogWasWipedRefusesToStart() throws Exception {
        Path dir = tmp.resolve("wiped");
        try (Member m = Bootstrap.init(config(dir), "x")) {
            assertThat(m.isLeader()).isTrue();
        }
        deleteTree(dir.resolve(Member.RAFT_DIR));
        assertThatThrownBy(() -> Bootstrap.start(config(dir)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("its Raft log in " + dir.resolve(Member.RAFT_DIR)
                        + " is empty though it was written to before")
                .hasMessageContaining("the log was lost or wiped");
        // katd start says so in one line, without a stack trace, and exits with 1.
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = Katd.commandLine();
        cl.setErr(new java.io.PrintWriter(err));
        int exit = cl.execute("start", "--data-dir", dir.toString(), "--name", "solo",
                "--listen-peer-urls", "http://127.0.0.1:" + Ports.free(),
                "--listen-client-urls", "http://127.0.0.1:" + Ports.free(),
                "--listen-metrics-urls", "http://127.0.0.1:" + Ports.free());
        assertThat(exit).isEqualTo(Katd.FAILURE);
        assertThat(err.toString()).startsWith("katd: data directory " + dir)
                .contains("the log was lost or wiped").doesNotContain("\tat ");
    }

    @Test
    void aJoinedMemberWhoseLogWasWipedRefusesToStartButOneThatNeverWroteStarts()
            throws Exception {
        Path first = tmp.resolve("first");
        Path joined = tmp.resolve("joined");
        ClusterConfig firstConfig = config(first);
        ByteString key = ByteString.copyFromUtf8("/app/x");
        try (Member a = Bootstrap.init(firstConfig, "x")) {
            a.store().put(key, ByteString.copyFromUtf8("1")).get(10, TimeUnit.SECONDS);
            EtcdClient.Options client = new EtcdClient.Options(List.of(
                    firstConfig.listenClientUrls().get(0).toString()), Duration.ofSeconds(5),
                    Duration.ofSeconds(10), Optional.empty());
            ClusterConfig joinedConfig = builder(joined).name("joined", TEST).build();
            try (Member b = Join.join(joinedConfig, client)) {
                assertThat(b.awaitLeader(a.node().id(), Duration.ofSeconds(10))).isTrue();
                // A read through the learner returns once it applied the leader's snapshot,
                // which it persisted first.
                assertThat(value(b, key)).contains("1");
            }
            assertThat(LogStartedMarker.present(joined)).isTrue();
            deleteTree(joined.resolve(Member.RAFT_DIR));
            assertThatThrownBy(() -> Bootstrap.start(joinedConfig))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("its Raft log in " + joined.resolve(Member.RAFT_DIR)
                            + " is empty though it was written to before");
        }
        // A joined member that never wrote to its log (it stopped before the leader's
        // snapshot came) starts from its empty log again.
        Path early = tmp.resolve("early");
        ClusterConfig earlyConfig = builder(early).name("early", TEST).build();
        MemberIdentity identity = new MemberIdentity(MemberIds.clusterIdOfUid("u"), "", 7,
                "early", false, java.util.Map.of(7L, earlyConfig.initialAdvertisePeerUrl()));
        Files.createDirectories(early);
        identity.write(early);
        Member.start(earlyConfig, identity).close();
        assertThat(LogStartedMarker.present(early)).isFalse();
        Member.start(earlyConfig, identity).close();
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void theClientRequestLimitIsTheConfiguredOne() throws Exception {
        ClusterConfig c = builder(tmp.resolve("small")).maxRequestBytes(64 * 1024, TEST).build();
        try (Member m = Bootstrap.init(c, "x")) {
            Endpoint client = c.listenClientUrls().get(0);
            ManagedChannel ch = NettyChannelBuilder.forAddress(client.host(), client.port())
                    .usePlaintext().build();
            try {
                KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(ch)
                        .withDeadlineAfter(30, TimeUnit.SECONDS);
                kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("/ok"))
                        .setValue(ByteString.copyFrom(new byte[32 * 1024])).build());
                assertThatThrownBy(() -> kv.put(PutRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8("/big"))
                        .setValue(ByteString.copyFrom(new byte[100 * 1024])).build()))
                        .isInstanceOf(StatusRuntimeException.class)
                        .hasMessageContaining("etcdserver: request is too large");
            } finally {
                ch.shutdownNow();
            }
            assertThat(value(m, ByteString.copyFromUtf8("/ok"))).isPresent();
            assertThat(value(m, ByteString.copyFromUtf8("/big"))).isEmpty();
        }
    }

    @Test
    void staticBootstrapDerivesTheSameIdsOnEveryMember() throws Exception {
        MemberOptions o = new MemberOptions();
        o.initialCluster = "a=http://127.0.0.1:1,b=http://127.0.0.1:2";
        o.initialClusterToken = "tok";
        o.name = "a";
        o.dataDir = tmp.resolve("a");
        o.initialAdvertisePeerUrls = "http://127.0.0.1:1";
        MemberIdentity a = Bootstrap.staticIdentity(o.resolve(), o.dataDir);
        o.name = "b";
        o.dataDir = tmp.resolve("b");
        o.initialAdvertisePeerUrls = "http://127.0.0.1:2";
        MemberIdentity b = Bootstrap.staticIdentity(o.resolve(), o.dataDir);
        assertThat(a.clusterId()).isEqualTo(b.clusterId());
        assertThat(a.peers()).isEqualTo(b.peers()).containsKeys(a.memberId(), b.memberId());
        assertThat(MemberIdentity.read(tmp.resolve("b"))).isEqualTo(b);
        o.initialClusterToken = "other";
        MemberIdentity c = Bootstrap.staticIdentity(o.resolve(), tmp.resolve("c"));
        assertThat(c.clusterId()).isNotEqualTo(b.clusterId());
        assertThat(c.memberId()).isNotEqualTo(b.memberId());
    }
}
