package io.katd.agent;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.AbstractStub;
import io.katd.proto.etcd.etcdserverpb.ClusterGrpc;
import io.katd.proto.etcd.etcdserverpb.KVGrpc;
import io.katd.proto.etcd.etcdserverpb.LeaseGrpc;
import io.katd.proto.etcd.etcdserverpb.MaintenanceGrpc;
import io.katd.proto.etcd.etcdserverpb.WatchGrpc;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC connection to one member of a cluster serving the etcd v3 API, picked from a list
 * of endpoints: each is dialled in turn until one connects within the dial timeout.
 * Blocking stubs carry the command timeout as their deadline.
 */
final class EtcdClient implements AutoCloseable {
    /** Larger than etcd's request limit, so that the server, not the client, refuses. */
    static final int MAX_MESSAGE_BYTES = 64 << 20;

    /** PEM files: the CA to trust, and the client certificate and key for mutual TLS. */
    record Tls(Optional<Path> caCert, Optional<Path> cert, Optional<Path> key) {}

    record Options(List<String> endpoints, Duration dialTimeout, Duration commandTimeout,
            Optional<Tls> tls) {}

    /** One endpoint: host and port, and whether it speaks TLS. */
    record Target(String host, int port, boolean https) {
        /**
         * Parses {@code 127.0.0.1:2379}, {@code http://host:port} or {@code https://...}.
         *
         * @throws ConfigException naming {@code what} and the text when it is no endpoint
         */
        static Target parse(String text, String what) {
            String t = text.trim();
            boolean https = t.startsWith("https://");
            if (https) {
                t = t.substring("https://".length());
            } else if (t.startsWith("http://")) {
                t = t.substring("http://".length());
            }
            if (t.endsWith("/")) {
                t = t.substring(0, t.length() - 1);
            }
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || colon == t.length() - 1) {
                throw new ConfigException(what + ": " + Cidrs.quote(text)
                        + " is not an endpoint (use host:port, e.g. 127.0.0.1:2379)");
            }
            String host = t.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new ConfigException(what + ": " + Cidrs.quote(text)
                        + " has no valid port (1-65535)");
            }
            return new Target(host, port, https);
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    private final ManagedChannel channel;
    private final Target target;
    private final Duration commandTimeout;

    private EtcdClient(ManagedChannel channel, Target target, Duration commandTimeout) {
        this.channel = channel;
        this.target = target;
        this.commandTimeout = commandTimeout;
    }

    /**
     * Connects to the first of {@code o.endpoints()} that accepts a connection within the
     * dial timeout.
     *
     * @throws ClientException naming every endpoint tried when none connects
     */
    static EtcdClient connect(Options o) {
        List<String> failures = new ArrayList<>();
        for (Target t : targets(o.endpoints(), "--endpoints")) {
            ManagedChannel ch = channel(t, o.tls());
            String problem = awaitReady(ch, o.dialTimeout());
            if (problem == null) {
                return new EtcdClient(ch, t, o.commandTimeout());
            }
            ch.shutdownNow();
            failures.add(t + " (" + problem + ")");
        }
        throw new ClientException("no endpoint answered within the dial timeout "
                + Durations.format(o.dialTimeout()) + ": " + String.join(", ", failures));
    }

    static List<Target> targets(List<String> endpoints, String what) {
        if (endpoints.isEmpty()) {
            throw new ConfigException(what + ": no endpoint given");
        }
        return endpoints.stream().map(e -> Target.parse(e, what)).toList();
    }

    /** Splits a comma-separated list of endpoints, dropping empty items. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (String s : text.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    private static String awaitReady(ManagedChannel ch, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ConnectivityState state = ch.getState(true);
        while (state != ConnectivityState.READY) {
            if (state == ConnectivityState.TRANSIENT_FAILURE) {
                return "connection refused or failed";
            }
            if (state == ConnectivityState.SHUTDOWN) {
                return "channel shut down";
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return "no connection within " + Durations.format(timeout);
            }
            java.util.concurrent.CountDownLatch changed = new java.util.concurrent.CountDownLatch(1);
            ch.notifyWhenStateChanged(state, changed::countDown);
            try {
                changed.await(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
            state = ch.getState(false);
        }
        return null;
    }

    static ManagedChannel channel(Target t, Optional<Tls> tls) {
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(t.host(), t.port())
                .maxInboundMessageSize(MAX_MESSAGE_BYTES);
        if (tls.isPresent() || t.https()) {
            b.sslContext(sslContext(tls.orElse(new Tls(Optional.empty(), Optional.empty(),
                    Optional.empty()))));
        } else {
            b.usePlaintext();
        }
        return b.build();
    }

    private static SslContext sslContext(Tls tls) {
        if (tls.cert().isPresent() != tls.key().isPresent()) {
            throw new ConfigException("--cert and --key go together: give both or neither");
        }
        try {
            SslContextBuilder ssl = GrpcSslContexts.forClient();
            tls.caCert().ifPresent(ca -> ssl.trustManager(ca.toFile()));
            if (tls.cert().isPresent()) {
                ssl.keyManager(tls.cert().get().toFile(), tls.key().get().toFile());
            }
            return ssl.build();
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot use the TLS files " + tls + ": " + e.getMessage());
        }
    }

    Target target() {
        return target;
    }

    ManagedChannel channel() {
        return channel;
    }

    Duration commandTimeout() {
        return commandTimeout;
    }

    private <S extends AbstractStub<S>> S timed(S stub) {
        return stub.withDeadlineAfter(commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    KVGrpc.KVBlockingStub kv() {
        return timed(KVGrpc.newBlockingStub(channel));
    }

    LeaseGrpc.LeaseBlockingStub lease() {
        return timed(LeaseGrpc.newBlockingStub(channel));
    }

    ClusterGrpc.ClusterBlockingStub cluster() {
        return timed(ClusterGrpc.newBlockingStub(channel));
    }

    MaintenanceGrpc.MaintenanceBlockingStub maintenance() {
        return timed(MaintenanceGrpc.newBlockingStub(channel));
    }

    /** Stubs without a deadline, for streams that last until the caller ends them. */
    WatchGrpc.WatchStub watch() {
        return WatchGrpc.newStub(channel);
    }

    LeaseGrpc.LeaseStub leaseStreams() {
        return LeaseGrpc.newStub(channel);
    }

    MaintenanceGrpc.MaintenanceBlockingStub maintenanceUntimed() {
        return MaintenanceGrpc.newBlockingStub(channel);
    }

    /** The server's own words for a failed call, e.g. "etcdserver: request is too large". */
    static String describe(StatusRuntimeException e) {
        String d = e.getStatus().getDescription();
        return d != null ? d : e.getStatus().getCode().toString();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
