package io.katd.agent;

import io.katd.agent.ClusterConfig.Source;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The flags that describe a member, as etcd names them; each overrides the same field of
 * cluster.kat. Values are parsed here, not by picocli, so that errors name the flag.
 */
final class MemberOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "cluster.kat to read; flags override its fields")
    Path config;

    @Option(names = "--name", description = "this member's name (default: default)")
    String name;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "where the member keeps its data (default: katd-data)")
    Path dataDir;

    @Option(names = "--listen-peer-urls", paramLabel = "URL",
            description = "the URL to listen on for peers (default: http://127.0.0.1:2380)")
    String listenPeerUrls;

    @Option(names = "--listen-client-urls", paramLabel = "URLS",
            description = "URLs to serve clients on (default: http://127.0.0.1:2379)")
    String listenClientUrls;

    @Option(names = "--listen-metrics-urls", paramLabel = "URL",
            description = "the URL of /health and /metrics (default: http://127.0.0.1:2381)")
    String listenMetricsUrls;

    @Option(names = "--advertise-client-urls", paramLabel = "URLS",
            description = "client URLs to tell clients (default: the listen client URLs)")
    String advertiseClientUrls;

    @Option(names = "--initial-advertise-peer-urls", paramLabel = "URL",
            description = "the peer URL other members reach this one at (default: the"
                    + " listen peer URL)")
    String initialAdvertisePeerUrls;

    @Option(names = "--initial-cluster", paramLabel = "NAME=URL,...",
            description = "every founding member's name and peer URL")
    String initialCluster;

    @Option(names = "--initial-cluster-state", paramLabel = "new|existing",
            description = "new to found a cluster, existing to join one (default: new)")
    String initialClusterState;

    @Option(names = "--initial-cluster-token", paramLabel = "TOKEN",
            description = "distinguishes clusters; member and cluster ids derive from it"
                    + " (default: katd-cluster)")
    String initialClusterToken;

    @Option(names = "--election-timeout", paramLabel = "DURATION",
            description = "how long a follower waits for a leader, e.g. 1s (default: 1s)")
    String electionTimeout;

    @Option(names = "--heartbeat-interval", paramLabel = "DURATION",
            description = "how often a leader sends heartbeats, e.g. 100ms (default: 100ms)")
    String heartbeatInterval;

    @Option(names = "--snapshot-threshold", paramLabel = "ENTRIES",
            description = "applied entries between snapshots; 0 disables (default: 10000)")
    String snapshotThreshold;

    @Option(names = "--max-request-bytes", paramLabel = "BYTES",
            description = "the largest client request served (default: 1572864, as etcd)")
    String maxRequestBytes;

    /** cluster.kat (if given) with the flags applied over it, checked as a whole. */
    ClusterConfig resolve() {
        ClusterConfig.Builder b = config != null ? ClusterConfigParser.parse(config)
                : ClusterConfig.builder();
        if (name != null) {
            b.name(name, flag("--name"));
        }
        if (dataDir != null) {
            b.dataDir(dataDir, flag("--data-dir"));
        }
        if (listenPeerUrls != null) {
            b.listenPeerUrls(urls(listenPeerUrls, "--listen-peer-urls"),
                    flag("--listen-peer-urls"));
        }
        if (listenClientUrls != null) {
            b.listenClientUrls(urls(listenClientUrls, "--listen-client-urls"),
                    flag("--listen-client-urls"));
        }
        if (listenMetricsUrls != null) {
            b.listenMetricsUrls(urls(listenMetricsUrls, "--listen-metrics-urls"),
                    flag("--listen-metrics-urls"));
        }
        if (advertiseClientUrls != null) {
            b.advertiseClientUrls(urls(advertiseClientUrls, "--advertise-client-urls"),
                    flag("--advertise-client-urls"));
        }
        if (initialAdvertisePeerUrls != null) {
            b.initialAdvertisePeerUrls(urls(initialAdvertisePeerUrls,
                    "--initial-advertise-peer-urls"), flag("--initial-advertise-peer-urls"));
        }
        if (initialCluster != null) {
            Source s = flag("--initial-cluster");
            b.initialCluster(ClusterConfigParser.initialCluster(
                    Arrays.asList(initialCluster.split(",", -1)), s), s);
        }
        if (initialClusterState != null) {
            Source s = flag("--initial-cluster-state");
            b.initialClusterState(ClusterConfigParser.clusterState(initialClusterState, s), s);
        }
        if (initialClusterToken != null) {
            b.initialClusterToken(initialClusterToken, flag("--initial-cluster-token"));
        }
        if (electionTimeout != null) {
            b.electionTimeout(duration(electionTimeout, "--election-timeout"),
                    flag("--election-timeout"));
        }
        if (heartbeatInterval != null) {
            b.heartbeatInterval(duration(heartbeatInterval, "--heartbeat-interval"),
                    flag("--heartbeat-interval"));
        }
        if (snapshotThreshold != null) {
            Source s = flag("--snapshot-threshold");
            b.snapshotThreshold(wholeNumber(snapshotThreshold, s), s);
        }
        if (maxRequestBytes != null) {
            Source s = flag("--max-request-bytes");
            b.maxRequestBytes(wholeNumber(maxRequestBytes, s), s);
        }
        return b.build();
    }

    private static long wholeNumber(String text, Source s) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw s.error(Cidrs.quote(text) + " is not a whole number");
        }
    }

    private static Source flag(String name) {
        return new Source(Origin.COMMAND_LINE, name);
    }

    private static List<Endpoint> urls(String text, String flag) {
        return ClusterConfigParser.endpoints(text, flag(flag));
    }

    private static java.time.Duration duration(String text, String flag) {
        return Durations.parse(text).orElseThrow(() -> flag(flag).error(Cidrs.quote(text)
                + " is not a duration (" + Durations.HINT + ")"));
    }
}
