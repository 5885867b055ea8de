package io.katd.agent;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The TLS flags of the client commands, as etcdctl names them. */
final class ClientTlsOptions {
    @Option(names = "--cacert", paramLabel = "FILE",
            description = "verify the server with this CA bundle (PEM); implies TLS")
    Path caCert;

    @Option(names = "--cert", paramLabel = "FILE",
            description = "client certificate (PEM) for mutual TLS; needs --key")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "the key of --cert (PEM)")
    Path key;

    /** TLS settings when any flag is given; none means plaintext (unless https://). */
    Optional<EtcdClient.Tls> tls() {
        if (caCert == null && cert == null && key == null) {
            return Optional.empty();
        }
        return Optional.of(new EtcdClient.Tls(Optional.ofNullable(caCert),
                Optional.ofNullable(cert), Optional.ofNullable(key)));
    }
}
