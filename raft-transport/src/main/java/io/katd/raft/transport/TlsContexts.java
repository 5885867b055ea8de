package io.katd.raft.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;

/**
 * Mutual TLS from PEM files: the server side requires a client certificate signed by the
 * CA, the client side presents its own and trusts only the CA.
 */
final class TlsContexts {
    private TlsContexts() {}

    static SslContext server(NettyTransportConfig.Tls tls) {
        try {
            return SslContextBuilder.forServer(tls.certChain().toFile(), tls.privateKey().toFile())
                    .trustManager(tls.trustedCa().toFile())
                    .clientAuth(ClientAuth.REQUIRE)
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw invalid(tls, e);
        }
    }

    static SslContext client(NettyTransportConfig.Tls tls) {
        try {
            return SslContextBuilder.forClient()
                    .keyManager(tls.certChain().toFile(), tls.privateKey().toFile())
                    .trustManager(tls.trustedCa().toFile())
                    // Peers are often addressed by IP; trust comes from the cluster's CA and
                    // the node's identity from the handshake that follows, not a host name.
                    .endpointIdentificationAlgorithm(null)
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw invalid(tls, e);
        }
    }

    private static IllegalArgumentException invalid(NettyTransportConfig.Tls tls, Exception e) {
        return new IllegalArgumentException("cannot load TLS material (certificate chain "
                + tls.certChain() + ", private key " + tls.privateKey() + ", CA "
                + tls.trustedCa() + "): " + e.getMessage(), e);
    }
}
