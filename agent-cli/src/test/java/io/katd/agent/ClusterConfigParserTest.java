package io.katd.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterConfigParserTest {
    private static final String HEAD = """
            apiVersion: katd.io/v1
            kind: ClusterConfiguration
            metadata:
              name: demo
            spec:
            """;

    private static ClusterConfig parse(String spec) {
        return ClusterConfigParser.parse("cluster.kat", HEAD + spec).build();
    }

    private static void rejects(String spec, String message) {
        assertThatThrownBy(() -> parse(spec)).isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void theExampleParses() {
        ClusterConfig c = ClusterConfigParser.parse(Path.of("../examples/cluster.kat")).build();
        assertThat(c.clusterName()).isEqualTo("demo");
        assertThat(c.name()).isEqualTo("n1");
        assertThat(c.dataDir()).isEqualTo(Path.of("katd-data/n1"));
        assertThat(c.initialCluster()).containsOnlyKeys("n1", "n2", "n3");
        assertThat(c.initialCluster().get("n2")).isEqualTo(new Endpoint("http", "127.0.0.1",
                2390));
        assertThat(c.initialClusterState()).isEqualTo(ClusterState.NEW);
        assertThat(c.initialClusterToken()).isEqualTo("demo-cluster");
        assertThat(c.electionTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.snapshotThreshold()).isEqualTo(10_000);
        assertThat(c.maxRequestBytes()).isEqualTo(1_572_864);
        assertThat(c.clusterCidr()).isEqualTo("10.244.0.0/16");
        assertThat(c.apiPort()).isEqualTo(6443);
        assertThat(c.listenMetricsUrl().port()).isEqualTo(2381);
        assertThat(c.peerTls()).isEmpty();
    }

    @Test
    void theRenderingOfTheDefaultsParsesBackToTheSameConfig() {
        ClusterConfig defaults = ClusterConfig.builder().build();
        String text = ConfigYaml.render(defaults);
        ClusterConfig back = ClusterConfigParser.parse("defaults.kat", text).build();
        assertThat(back.name()).isEqualTo("default");
        assertThat(ConfigYaml.render(back)).isEqualTo(text);
        assertThat(back.listenPeerUrl()).isEqualTo(new Endpoint("http", "127.0.0.1", 2380));
        assertThat(back.listenClientUrls()).containsExactly(
                new Endpoint("http", "127.0.0.1", 2379));
    }

    @Test
    void aBadDurationNamesFileLineAndField() {
        rejects("  name: a\n  electionTimeout: abc\n",
                "cluster.kat:7: spec.electionTimeout: \"abc\" is not a duration (use 1s, 500ms)");
    }

    @Test
    void anUnknownFieldIsRejectedWithItsPath() {
        rejects("  name: a\n  electionTimeuot: 1s\n",
                "cluster.kat:7: spec.electionTimeuot: unknown field (known fields: advertiseClientUrls,"
                        + " agentPort, apiPort, clusterCIDR, dataDir, electionTimeout,"
                        + " heartbeatInterval, initialAdvertisePeerUrls, initialCluster,"
                        + " initialClusterState, initialClusterToken, listenClientUrls,"
                        + " listenMetricsUrls, listenPeerUrls, maxRequestBytes, name,"
                        + " serviceCIDR, snapshotThreshold, tls)");
    }

    @Test
    void wrongTypesAreRejected() {
        rejects("  apiPort: \"6443\"\n",
                "cluster.kat:6: spec.apiPort: expected an integer, got the string \"6443\"");
        rejects("  name: [a, b]\n", "cluster.kat:6: spec.name: expected a string, got a list");
        rejects("  tls: true\n",
                "cluster.kat:6: spec.tls: expected a mapping of fields, got the boolean true");
    }

    @Test
    void invalidValuesAreRejected() {
        rejects("  clusterCIDR: 10.0.0.0/33\n", "cluster.kat:6: spec.clusterCIDR:"
                + " \"10.0.0.0/33\" is not a CIDR block: the prefix length must be 0 to 32");
        rejects("  serviceCIDR: 10.0.0.300/8\n", "cluster.kat:6: spec.serviceCIDR:"
                + " \"10.0.0.300/8\" is not a CIDR block: \"10.0.0.300\" is not an IP address");
        rejects("  agentPort: 70000\n",
                "cluster.kat:6: spec.agentPort: port 70000 is out of range (1-65535)");
        rejects("  listenPeerUrls: http://127.0.0.1:99999\n", "cluster.kat:6:"
                + " spec.listenPeerUrls: \"http://127.0.0.1:99999\": port 99999 is out of range"
                + " (1-65535)");
        rejects("  initialClusterState: maybe\n", "cluster.kat:6: spec.initialClusterState:"
                + " \"maybe\" is not a cluster state (use new or existing)");
        rejects("  snapshotThreshold: -1\n",
                "cluster.kat:6: spec.snapshotThreshold: -1 must be >= 0 (0 disables snapshots)");
        rejects("  maxRequestBytes: 100\n",
                "cluster.kat:6: spec.maxRequestBytes: 100 must be between 1024 and 67108864"
                        + " bytes");
    }

    @Test
    void crossFieldRulesNameTheField() {
        rejects("  name: a\n  heartbeatInterval: 300ms\n  electionTimeout: 1s\n",
                "cluster.kat:8: spec.electionTimeout: 1s must be a whole multiple of"
                        + " heartbeatInterval (300ms)");
        rejects("  name: a\n  heartbeatInterval: 1s\n  electionTimeout: 1s\n",
                "cluster.kat:8: spec.electionTimeout: 1s must be greater than"
                        + " heartbeatInterval (1s)");
        rejects("  name: c\n  initialCluster: a=http://h:1,b=http://h:2\n",
                "cluster.kat:7: spec.initialCluster: this member's name \"c\" is not in"
                        + " a=http://h:1,b=http://h:2");
    }

    @Test
    void missingAndRepeatedFieldsAndBadDocumentsAreRejected() {
        assertThatThrownBy(() -> ClusterConfigParser.parse("cluster.kat",
                "apiVersion: katd.io/v1\nspec: {}\n")).hasMessage(
                        "cluster.kat:1: kind: missing required field");
        assertThatThrownBy(() -> ClusterConfigParser.parse("cluster.kat",
                "apiVersion: katd.io/v2\nkind: ClusterConfiguration\nspec: {}\n")).hasMessage(
                        "cluster.kat:1: apiVersion: \"katd.io/v2\" is not supported (use"
                                + " katd.io/v1)");
        assertThatThrownBy(() -> parse("  name: a\n  name: b\n"))
                .hasMessageStartingWith("cluster.kat:7:");
        assertThatThrownBy(() -> ClusterConfigParser.parse("cluster.kat", "a: [1, 2\n"))
                .hasMessageStartingWith("cluster.kat:2: not valid YAML:");
        assertThatThrownBy(() -> ClusterConfigParser.parse("cluster.kat", ""))
                .hasMessage("cluster.kat: the file is empty");
    }

    @Test
    void tlsFilesAreRead() {
        ClusterConfig c = parse("""
                  tls:
                    peer:
                      certFile: /p.crt
                      keyFile: /p.key
                      trustedCAFile: /ca.crt
                """);
        assertThat(c.peerTls()).contains(new TlsFiles(Path.of("/p.crt"), Path.of("/p.key"),
                Path.of("/ca.crt")));
        assertThat(c.clientTls()).isEmpty();
        rejects("  tls:\n    client:\n      certFile: /c.crt\n",
                "cluster.kat:8: spec.tls.client.keyFile: missing required field");
    }

    @Test
    void flagsOverrideTheFileAndTheirErrorsNameTheFlag() {
        MemberOptions o = new MemberOptions();
        o.config = Path.of("../examples/cluster.kat");
        o.name = "n2";
        o.initialAdvertisePeerUrls = "http://127.0.0.1:2390";
        o.electionTimeout = "2s";
        ClusterConfig c = o.resolve();
        assertThat(c.name()).isEqualTo("n2");
        assertThat(c.electionTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.initialClusterToken()).isEqualTo("demo-cluster");

        o.maxRequestBytes = "65536";
        assertThat(o.resolve().maxRequestBytes()).isEqualTo(65536);
        o.maxRequestBytes = "64k";
        assertThatThrownBy(o::resolve).hasMessage("command line: --max-request-bytes:"
                + " \"64k\" is not a whole number");
        o.maxRequestBytes = null;

        o.heartbeatInterval = "soon";
        assertThatThrownBy(o::resolve).hasMessage("command line: --heartbeat-interval:"
                + " \"soon\" is not a duration (use 1s, 500ms)");
        o.heartbeatInterval = null;
        o.name = "n9";
        assertThatThrownBy(o::resolve).hasMessageStartingWith(
                "../examples/cluster.kat:22: spec.initialCluster: this member's name \"n9\"");
    }

    @Test
    void durationsAndIds() {
        assertThat(Durations.parse("1m30s")).contains(Duration.ofSeconds(90));
        assertThat(Durations.parse("1.5s")).isEmpty();
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        long a = MemberIds.memberId("n1", "t");
        assertThat(a).isPositive().isEqualTo(MemberIds.memberId("n1", "t"))
                .isNotEqualTo(MemberIds.memberId("n1", "u"));
        ClusterConfig.Builder b = ClusterConfig.builder();
        var one = ClusterConfigParser.initialCluster(List.of("a=http://h:1", "b=http://h:2"),
                new ClusterConfig.Source(Origin.DEFAULT, "x"));
        var other = ClusterConfigParser.initialCluster(List.of("b=http://h:2", "a=http://h:1"),
                new ClusterConfig.Source(Origin.DEFAULT, "x"));
        assertThat(MemberIds.clusterId("t", one)).isEqualTo(MemberIds.clusterId("t", other))
                .isNotEqualTo(MemberIds.clusterId("u", one));
        assertThat(b.build().name()).isEqualTo("default");
    }
}
