package io.katd.kv.etcd;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.katd.kv.RaftStateStore;
import io.katd.kv.sm.KvStateMachine;
import io.katd.proto.kv.KvResult;
import io.katd.raft.node.RaftNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's v3 gRPC client API (KV, Watch, Lease, Cluster, Maintenance) for one member, on
 * host:port, so that etcdctl, jetcd and Go clientv3 work against katd. Writes go through the
 * Raft log, linearizable reads through ReadIndex, watches are served from the member's
 * own watch hub. The store, node and state machine stay the caller's: closing the server
 * stops serving and leaves them running.
 */
public final class EtcdServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdServer.class);
    /** etcd's default --max-request-bytes: 1.5 MiB. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1536 * 1024;
    // A gRPC message may exceed the request limit by this much, so that an oversized request
    // (up to the limit plus 2.5 MiB: a 2 MiB value included) reaches the server and is
    // answered with etcd's "request is too large"; larger ones meet gRPC's own limit.
    // etcd allows 512 KiB, which turns a 2 MiB put into a bare gRPC size error.
    private static final int GRPC_OVERHEAD_BYTES = 2560 * 1024;

    /**
     * PEM files for TLS.
     *
     * @param certChain the server's certificate chain
     * @param privateKey the server's private key (PKCS#8)
     * @param clientCa when present, clients must present a certificate it signed (mutual TLS)
     */
    public record Tls(Path certChain, Path privateKey, Optional<Path> clientCa) {
        public Tls {
            requireFile(certChain, "certChain");
            requireFile(privateKey, "privateKey");
            Objects.requireNonNull(clientCa, "clientCa");
            clientCa.ifPresent(p -> requireFile(p, "clientCa"));
        }

        private static void requireFile(Path p, String what) {
            Objects.requireNonNull(p, what);
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException(what + " " + p + " is not a readable file");
            }
        }
    }

    /**
     * @param host the address to listen on, e.g. 127.0.0.1
     * @param port the port; 0 picks a free one (see {@link #port()})
     * @param clusterId the cluster id every response header carries
     * @param maxRequestBytes the largest request accepted, as etcd's --max-request-bytes
     * @param requestTimeout bounds forwarded requests and leader moves
     * @param progressNotifyInterval how often watchers that asked for progress
     *     notifications get one
     * @param tls empty for plaintext
     */
    public record Options(String host, int port, long clusterId, int maxRequestBytes,
            Duration requestTimeout, Duration progressNotifyInterval, Optional<Tls> tls) {
        public Options {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            Objects.requireNonNull(progressNotifyInterval, "progressNotifyInterval");
            Objects.requireNonNull(tls, "tls");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
            }
            if (maxRequestBytes <= 0) {
                throw new IllegalArgumentException("maxRequestBytes must be > 0, was "
                        + maxRequestBytes);
            }
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be > 0, was "
                        + requestTimeout);
            }
            if (progressNotifyInterval.isNegative() || progressNotifyInterval.isZero()) {
                throw new IllegalArgumentException("progressNotifyInterval must be > 0, was "
                        + progressNotifyInterval);
            }
        }

        /** Plaintext, etcd's defaults: 1.5 MiB requests, 10 minute progress notifications. */
        public static Options plaintext(String host, int port, long clusterId) {
            return new Options(host, port, clusterId, DEFAULT_MAX_REQUEST_BYTES,
                    Duration.ofSeconds(10), Duration.ofMinutes(10), Optional.empty());
        }
    }

    private final Options options;
    private final ServerContext context;
    private final LeaderChannels leaders;
    private final ScheduledExecutorService scheduler;
    private final Server server;
    private final ScheduledFuture<?> progress;

    /**
     * Starts serving member {@code node.id()} at once.
     *
     * @throws UncheckedIOException if the port cannot be bound or the TLS files not read
     */
    public EtcdServer(Options options, RaftStateStore store, RaftNode<KvResult> node,
            KvStateMachine stateMachine) {
        this.options = Objects.requireNonNull(options, "options");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(stateMachine, "stateMachine");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "etcd-api-" + node.id());
            t.setDaemon(true);
            return t;
        });
        this.leaders = new LeaderChannels(id -> MemberRecords.local(stateMachine, id)
                .flatMap(r -> r.getClientUrlsList().stream().findFirst()),
                options.tls().orElse(null));
        this.context = new ServerContext(store, node, stateMachine, options.clusterId(),
                options.maxRequestBytes(), options.requestTimeout(), leaders);
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(
                options.host(), options.port()))
                .maxInboundMessageSize(options.maxRequestBytes() + GRPC_OVERHEAD_BYTES)
                .addService(new KvService(context))
                .addService(new WatchService(context))
                .addService(new LeaseService(context))
                .addService(new ClusterService(context))
                .addService(new MaintenanceService(context, scheduler));
        options.tls().ifPresent(tls -> b.sslContext(serverTls(tls)));
        try {
            this.server = b.build().start();
        } catch (IOException e) {
            scheduler.shutdownNow();
            throw new UncheckedIOException("cannot serve the etcd API on " + options.host()
                    + ":" + options.port() + ": " + e.getMessage(), e);
        }
        long every = options.progressNotifyInterval().toMillis();
        this.progress = scheduler.scheduleAtFixedRate(() -> stateMachine.watchHub()
                .progressNotify(), every, every, TimeUnit.MILLISECONDS);
        LOG.info("member {} serves the etcd v3 API on {}:{}{}", node.id(), options.host(),
                port(), options.tls().isPresent() ? " (TLS)" : "");
    }

    private static io.grpc.netty.shaded.io.netty.handler.ssl.SslContext serverTls(Tls tls) {
        try {
            SslContextBuilder ssl = GrpcSslContexts.configure(SslContextBuilder.forServer(
                    tls.certChain().toFile(), tls.privateKey().toFile()));
            tls.clientCa().ifPresent(ca -> ssl.trustManager(ca.toFile())
                    .clientAuth(ClientAuth.REQUIRE));
            return ssl.build();
        } catch (IOException | IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException("cannot load the TLS files "
                    + tls + ": " + e.getMessage(), e));
        }
    }

    /** The port the server listens on (the bound one when the options said 0). */
    public int port() {
        return server.getPort();
    }

    /** The URL clients use, e.g. {@code http://127.0.0.1:2379}. */
    public String clientUrl() {
        return (options.tls().isPresent() ? "https://" : "http://") + options.host() + ":"
                + port();
    }

    /** Stops serving: open calls and streams end; waits up to five seconds for them. */
    @Override
    public void close() {
        progress.cancel(false);
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        leaders.close();
        scheduler.shutdownNow();
    }
}
