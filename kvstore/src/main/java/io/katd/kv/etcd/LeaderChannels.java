package io.katd.kv.etcd;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import javax.net.ssl.SSLException;

/**
 * Channels to other members' client URLs, for the requests only the leader can serve
 * (membership changes, lease time-to-live): a follower forwards them to the leader's first
 * client URL in its member record. One channel per URL, kept until close.
 */
final class LeaderChannels implements AutoCloseable {
    private final LongFunction<Optional<String>> clientUrlOf;
    private final EtcdServer.Tls tls;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    LeaderChannels(LongFunction<Optional<String>> clientUrlOf, EtcdServer.Tls tls) {
        this.clientUrlOf = clientUrlOf;
        this.tls = tls;
    }

    /** A channel to member {@code id}, if its record names a client URL. */
    Optional<ManagedChannel> to(long id) {
        return clientUrlOf.apply(id).map(url -> channels.computeIfAbsent(url, this::open));
    }

    private ManagedChannel open(String url) {
        URI uri = URI.create(url);
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort());
        if ("https".equals(uri.getScheme())) {
            b.sslContext(clientContext());
        } else {
            b.usePlaintext();
        }
        return b.build();
    }

    private SslContext clientContext() {
        try {
            SslContextBuilder ssl = GrpcSslContexts.forClient();
            if (tls != null) {
                ssl.keyManager(tls.certChain().toFile(), tls.privateKey().toFile());
                tls.clientCa().map(p -> p.toFile()).ifPresent(ssl::trustManager);
            }
            return ssl.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the TLS context to forward to the"
                    + " leader: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (ManagedChannel c : channels.values()) {
            c.shutdownNow();
        }
        for (ManagedChannel c : channels.values()) {
            try {
                c.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
