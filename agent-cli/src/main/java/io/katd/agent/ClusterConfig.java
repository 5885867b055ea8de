package io.katd.agent;

import io.katd.kv.etcd.EtcdServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of one katd member: what cluster.kat holds, overridden by flags. Built
 * through {@link Builder}, which checks the relations between fields, so a config that
 * exists is valid. Each value remembers where it came from ({@link Source}) so that an
 * error names the file and line, or the flag.
 *
 * @param clusterName metadata.name: a label for the cluster, for people
 * @param name this member's name, unique in the cluster
 * @param dataDir where this member keeps its Raft log, snapshots and store
 * @param clusterCidr the pods' network range, kept for users' tooling
 * @param serviceCidr the services' network range, kept for users' tooling
 * @param apiPort a port kept for users' tooling (an API server's)
 * @param agentPort a port kept for users' tooling (a node agent's)
 * @param listenPeerUrl where this member listens for its peers
 * @param listenClientUrls where this member serves clients
 * @param listenMetricsUrl where this member serves /health and /metrics
 * @param initialAdvertisePeerUrl the peer URL the other members reach this member at
 * @param advertiseClientUrls the client URLs this member tells clients
 * @param initialCluster every founding member's name and peer URL, in order
 * @param initialClusterState new to found a cluster, existing to join one
 * @param initialClusterToken distinguishes clusters built from the same member list
 * @param electionTimeout how long a follower waits for a leader before it campaigns
 * @param heartbeatInterval how often a leader sends heartbeats; the protocol's tick
 * @param snapshotThreshold applied entries between snapshots; 0 disables snapshots
 * @param maxRequestBytes the largest client request served, as etcd's --max-request-bytes
 * @param peerTls mutual TLS between members, if set
 * @param clientTls TLS for clients, if set
 * @param explicit the fields set by the file or a flag rather than left at their default
 *     ({@code name}, {@code dataDir}, {@code initialCluster}, ...)
 */
record ClusterConfig(
        String clusterName,
        String name,
        Path dataDir,
        String clusterCidr,
        String serviceCidr,
        int apiPort,
        int agentPort,
        Endpoint listenPeerUrl,
        List<Endpoint> listenClientUrls,
        Endpoint listenMetricsUrl,
        Endpoint initialAdvertisePeerUrl,
        List<Endpoint> advertiseClientUrls,
        Map<String, Endpoint> initialCluster,
        ClusterState initialClusterState,
        String initialClusterToken,
        Duration electionTimeout,
        Duration heartbeatInterval,
        long snapshotThreshold,
        int maxRequestBytes,
        Optional<TlsFiles> peerTls,
        Optional<TlsFiles> clientTls,
        java.util.Set<String> explicit) {

    static final String API_VERSION = "katd.io/v1";
    static final String KIND = "ClusterConfiguration";
    // Requests must hold at least a key and some value, and fit the Raft messages and
    // gRPC frames that carry them with room to spare.
    static final long MIN_REQUEST_BYTES = 1024;
    static final long MAX_REQUEST_BYTES = 64L << 20;

    ClusterConfig {
        listenClientUrls = List.copyOf(listenClientUrls);
        advertiseClientUrls = List.copyOf(advertiseClientUrls);
        initialCluster = java.util.Collections.unmodifiableMap(
                new LinkedHashMap<>(initialCluster));
        explicit = java.util.Set.copyOf(explicit);
    }

    /** The value of a field and where it came from. */
    record Source(Origin origin, String field) {
        ConfigException error(String problem) {
            return new ConfigException(origin, field, problem);
        }
    }

    static Builder builder() {
        return new Builder();
    }

    /** A builder holding etcd's defaults, as a single member named "default" would use. */
    static final class Builder {
        private final Map<String, Source> sources = new HashMap<>();
        private String clusterName = "katd";
        private String name = "default";
        private Path dataDir = Path.of("katd-data");
        private String clusterCidr = "10.244.0.0/16";
        private String serviceCidr = "10.96.0.0/12";
        private int apiPort = 6443;
        private int agentPort = 10250;
        private Endpoint listenPeerUrl = new Endpoint("http", "127.0.0.1", 2380);
        private List<Endpoint> listenClientUrls =
                List.of(new Endpoint("http", "127.0.0.1", 2379));
        private Endpoint listenMetricsUrl = new Endpoint("http", "127.0.0.1", 2381);
        private Endpoint initialAdvertisePeerUrl;
        private List<Endpoint> advertiseClientUrls;
        private Map<String, Endpoint> initialCluster;
        private ClusterState initialClusterState = ClusterState.NEW;
        private String initialClusterToken = "katd-cluster";
        private Duration electionTimeout = Duration.ofSeconds(1);
        private Duration heartbeatInterval = Duration.ofMillis(100);
        private long snapshotThreshold = 10_000;
        private int maxRequestBytes = EtcdServer.DEFAULT_MAX_REQUEST_BYTES;
        private TlsFiles peerTls;
        private TlsFiles clientTls;

        private Builder() {}

        private Source source(String key) {
            return sources.getOrDefault(key, new Source(Origin.DEFAULT, key));
        }

        private void from(String key, Source s) {
            sources.put(key, s);
        }

        Builder clusterName(String v, Source s) {
            clusterName = v;
            from("clusterName", s);
            return this;
        }

        Builder name(String v, Source s) {
            if (v.isBlank() || !v.matches("[A-Za-z0-9._-]+")) {
                throw s.error(Cidrs.quote(v) + " is not a member name (letters, digits,"
                        + " '.', '_' and '-')");
            }
            name = v;
            from("name", s);
            return this;
        }

        Builder dataDir(Path v, Source s) {
            dataDir = v;
            from("dataDir", s);
            return this;
        }

        Builder clusterCidr(String v, Source s) {
            Cidrs.problem(v).ifPresent(p -> {
                throw s.error(p);
            });
            clusterCidr = v;
            return this;
        }

        Builder serviceCidr(String v, Source s) {
            Cidrs.problem(v).ifPresent(p -> {
                throw s.error(p);
            });
            serviceCidr = v;
            return this;
        }

        Builder apiPort(int v, Source s) {
            apiPort = port(v, s);
            return this;
        }

        Builder agentPort(int v, Source s) {
            agentPort = port(v, s);
            return this;
        }

        private static int port(int v, Source s) {
            if (v < 1 || v > 65535) {
                throw s.error("port " + v + " is out of range (1-65535)");
            }
            return v;
        }

        Builder listenPeerUrls(List<Endpoint> v, Source s) {
            listenPeerUrl = one(v, s);
            from("listenPeerUrl", s);
            return this;
        }

        Builder listenClientUrls(List<Endpoint> v, Source s) {
            listenClientUrls = atLeastOne(v, s);
            return this;
        }

        Builder listenMetricsUrls(List<Endpoint> v, Source s) {
            listenMetricsUrl = one(v, s);
            return this;
        }

        Builder initialAdvertisePeerUrls(List<Endpoint> v, Source s) {
            initialAdvertisePeerUrl = one(v, s);
            from("initialAdvertisePeerUrl", s);
            return this;
        }

        Builder advertiseClientUrls(List<Endpoint> v, Source s) {
            advertiseClientUrls = atLeastOne(v, s);
            return this;
        }

        private static Endpoint one(List<Endpoint> v, Source s) {
            if (v.size() != 1) {
                throw s.error("expected exactly one URL, got " + v.size());
            }
            return v.get(0);
        }

        private static List<Endpoint> atLeastOne(List<Endpoint> v, Source s) {
            if (v.isEmpty()) {
                throw s.error("expected at least one URL");
            }
            return List.copyOf(v);
        }

        Builder initialCluster(Map<String, Endpoint> v, Source s) {
            if (v.isEmpty()) {
                throw s.error("expected at least one member (name=peerURL)");
            }
            initialCluster = new LinkedHashMap<>(v);
            from("initialCluster", s);
            return this;
        }

        Builder initialClusterState(ClusterState v, Source s) {
            initialClusterState = v;
            return this;
        }

        Builder initialClusterToken(String v, Source s) {
            if (v.isBlank()) {
                throw s.error("the cluster token must not be empty");
            }
            initialClusterToken = v;
            return this;
        }

        Builder electionTimeout(Duration v, Source s) {
            electionTimeout = positive(v, s);
            from("electionTimeout", s);
            return this;
        }

        Builder heartbeatInterval(Duration v, Source s) {
            heartbeatInterval = positive(v, s);
            from("heartbeatInterval", s);
            return this;
        }

        private static Duration positive(Duration v, Source s) {
            if (v.isZero() || v.isNegative()) {
                throw s.error(Durations.format(v) + " must be positive");
            }
            return v;
        }

        Builder snapshotThreshold(long v, Source s) {
            if (v < 0) {
                throw s.error(v + " must be >= 0 (0 disables snapshots)");
            }
            snapshotThreshold = v;
            return this;
        }

        Builder maxRequestBytes(long v, Source s) {
            if (v < MIN_REQUEST_BYTES || v > MAX_REQUEST_BYTES) {
                throw s.error(v + " must be between " + MIN_REQUEST_BYTES + " and "
                        + MAX_REQUEST_BYTES + " bytes");
            }
            maxRequestBytes = (int) v;
            return this;
        }

        Builder peerTls(TlsFiles v, Source s) {
            peerTls = v;
            return this;
        }

        Builder clientTls(TlsFiles v, Source s) {
            clientTls = v;
            return this;
        }

        /**
         * Checks the relations between fields and builds the config.
         *
         * @throws ConfigException naming the field (and where it came from) at fault
         */
        ClusterConfig build() {
            checkTimes();
            Endpoint advertisePeer = initialAdvertisePeerUrl != null ? initialAdvertisePeerUrl
                    : listenPeerUrl;
            Map<String, Endpoint> cluster = initialCluster != null ? initialCluster
                    : Map.of(name, advertisePeer);
            checkInitialCluster(cluster, advertisePeer);
            List<Endpoint> advertiseClients = advertiseClientUrls != null ? advertiseClientUrls
                    : listenClientUrls;
            return new ClusterConfig(clusterName, name, dataDir, clusterCidr, serviceCidr,
                    apiPort, agentPort, listenPeerUrl, listenClientUrls, listenMetricsUrl,
                    advertisePeer, advertiseClients, cluster, initialClusterState,
                    initialClusterToken, electionTimeout, heartbeatInterval, snapshotThreshold,
                    maxRequestBytes, Optional.ofNullable(peerTls), Optional.ofNullable(clientTls),
                    sources.keySet());
        }

        /**
         * The heartbeat interval is the protocol's tick, so the election timeout must be a
         * whole number of heartbeats, and more than one (RaftNodeConfig's rules).
         */
        private void checkTimes() {
            long hb = heartbeatInterval.toNanos();
            long et = electionTimeout.toNanos();
            if (et % hb != 0) {
                throw source("electionTimeout").error(Durations.format(electionTimeout)
                        + " must be a whole multiple of heartbeatInterval ("
                        + Durations.format(heartbeatInterval) + ")");
            }
            if (et <= hb) {
                throw source("electionTimeout").error(Durations.format(electionTimeout)
                        + " must be greater than heartbeatInterval ("
                        + Durations.format(heartbeatInterval) + ")");
            }
        }

        private void checkInitialCluster(Map<String, Endpoint> cluster, Endpoint advertisePeer) {
            Source s = source("initialCluster");
            if (!cluster.containsKey(name)) {
                throw s.error("this member's name " + Cidrs.quote(name) + " is not in "
                        + render(cluster));
            }
            List<Endpoint> seen = new ArrayList<>();
            for (Map.Entry<String, Endpoint> e : cluster.entrySet()) {
                if (seen.contains(e.getValue())) {
                    throw s.error("peer URL " + e.getValue() + " appears twice");
                }
                seen.add(e.getValue());
            }
            if (initialAdvertisePeerUrl != null && !cluster.get(name).equals(advertisePeer)) {
                throw s.error("member " + Cidrs.quote(name) + " has peer URL "
                        + cluster.get(name) + " but the advertised peer URL is "
                        + advertisePeer);
            }
        }
    }

    /** {@code a=http://h:1,b=http://h:2}: the flag's form of an initial cluster. */
    static String render(Map<String, Endpoint> cluster) {
        StringBuilder b = new StringBuilder();
        cluster.forEach((n, u) -> b.append(b.length() == 0 ? "" : ",").append(n).append('=')
                .append(u));
        return b.toString();
    }
}
