package io.katd.agent;

import java.util.List;
import java.util.stream.Collectors;

/** Renders a {@link ClusterConfig} as cluster.kat, in a form the parser reads back. */
final class ConfigYaml {
    private ConfigYaml() {}

    static String render(ClusterConfig c) {
        StringBuilder b = new StringBuilder();
        b.append("apiVersion: ").append(ClusterConfig.API_VERSION).append('\n');
        b.append("kind: ").append(ClusterConfig.KIND).append('\n');
        b.append("metadata:\n  name: ").append(q(c.clusterName())).append('\n');
        b.append("spec:\n");
        line(b, "name", q(c.name()));
        line(b, "dataDir", q(c.dataDir().toString()));
        line(b, "clusterCIDR", q(c.clusterCidr()));
        line(b, "serviceCIDR", q(c.serviceCidr()));
        line(b, "apiPort", Integer.toString(c.apiPort()));
        line(b, "agentPort", Integer.toString(c.agentPort()));
        line(b, "listenPeerUrls", urls(List.of(c.listenPeerUrl())));
        line(b, "listenClientUrls", urls(c.listenClientUrls()));
        line(b, "listenMetricsUrls", urls(List.of(c.listenMetricsUrl())));
        line(b, "initialAdvertisePeerUrls", urls(List.of(c.initialAdvertisePeerUrl())));
        line(b, "advertiseClientUrls", urls(c.advertiseClientUrls()));
        line(b, "initialCluster", q(ClusterConfig.render(c.initialCluster())));
        line(b, "initialClusterState", c.initialClusterState().text());
        line(b, "initialClusterToken", q(c.initialClusterToken()));
        line(b, "electionTimeout", Durations.format(c.electionTimeout()));
        line(b, "heartbeatInterval", Durations.format(c.heartbeatInterval()));
        line(b, "snapshotThreshold", Long.toString(c.snapshotThreshold()));
        line(b, "maxRequestBytes", Integer.toString(c.maxRequestBytes()));
        if (c.peerTls().isPresent() || c.clientTls().isPresent()) {
            b.append("  tls:\n");
            c.peerTls().ifPresent(t -> tls(b, "peer", t));
            c.clientTls().ifPresent(t -> tls(b, "client", t));
        }
        return b.toString();
    }

    private static void tls(StringBuilder b, String which, TlsFiles t) {
        b.append("    ").append(which).append(":\n");
        b.append("      certFile: ").append(q(t.certFile().toString())).append('\n');
        b.append("      keyFile: ").append(q(t.keyFile().toString())).append('\n');
        b.append("      trustedCAFile: ").append(q(t.trustedCaFile().toString())).append('\n');
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append("  ").append(key).append(": ").append(value).append('\n');
    }

    private static String urls(List<Endpoint> urls) {
        return urls.stream().map(u -> q(u.toString())).collect(Collectors.joining(", ", "[",
                "]"));
    }

    /** A double-quoted YAML string. */
    private static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
