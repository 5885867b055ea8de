package io.katd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.katd.agent.ClusterConfig.Source;
import io.katd.raft.transport.NettyTransportConfig;
import io.katd.raft.transport.TestCerts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A member serving clients over mutual TLS, configured as an operator would
 * ({@code tls.client}), used by the real etcdctl and by katd ctl.
 */
class ClientTlsTest {
    private static final Source TEST = new Source(Origin.DEFAULT, "test");

    @TempDir
    Path tmp;

    @Test
    void etcdctlAndKatdCtlWorkOverMutualTlsAndOnlyWithATrustedClientCertificate()
            throws Exception {
        TestCerts.Issued ca = TestCerts.authority("katd test CA");
        NettyTransportConfig.Tls server = TestCerts.write(tmp, "server",
                TestCerts.issue(ca, "katd member"), ca);
        NettyTransportConfig.Tls client = TestCerts.write(tmp, "client",
                TestCerts.issue(ca, "katd client"), ca);
        TestCerts.Issued otherCa = TestCerts.authority("another CA");
        NettyTransportConfig.Tls stranger = TestCerts.write(tmp, "stranger",
                TestCerts.issue(otherCa, "stranger"), ca);
        Endpoint clientUrl = new Endpoint("https", "127.0.0.1", Ports.free());
        ClusterConfig c = ClusterConfig.builder().name("solo", TEST)
                .dataDir(tmp.resolve("data"), TEST)
                .listenPeerUrls(List.of(new Endpoint("http", "127.0.0.1", Ports.free())), TEST)
                .listenClientUrls(List.of(clientUrl), TEST)
                .listenMetricsUrls(List.of(new Endpoint("http", "127.0.0.1", Ports.free())),
                        TEST)
                .electionTimeout(Duration.ofMillis(500), TEST)
                .heartbeatInterval(Duration.ofMillis(50), TEST)
                .clientTls(new TlsFiles(server.certChain(), server.privateKey(),
                        server.trustedCa()), TEST)
                .build();
        String https = "https://127.0.0.1:" + clientUrl.port();
        try (Member m = Bootstrap.init(c, "x")) {
            Commands.etcdctl(https, "", tls(client, "put", "/tls/k", "v1")).ok();
            assertThat(Commands.etcdctl(https, "", tls(client, "get", "/tls/k", "--print-value-only"))
                    .ok().out()).isEqualTo("v1\n");

            // No client certificate, a certificate from an untrusted CA, plaintext: refused.
            List<Commands.Result> refused = List.of(
                    refused(https, "--cacert", client.trustedCa().toString(), "get", "/tls/k"),
                    refused(https, tls(stranger, "get", "/tls/k")),
                    refused("http://127.0.0.1:" + clientUrl.port(), "get", "/tls/k"));
            for (Commands.Result r : refused) {
                assertThat(r.exit()).as(r.err()).isNotZero();
                assertThat(r.out()).doesNotContain("v1");
            }

            StringWriter out = new StringWriter();
            CommandLine cl = Katd.commandLine();
            cl.setOut(new PrintWriter(out, true));
            int status = cl.execute(tls(client, "ctl", "--endpoints", https, "get", "/tls/k"));
            assertThat(status).as(out.toString()).isZero();
            assertThat(out.toString()).contains("v1");
        }
    }

    /** etcdctl with short timeouts (repeated flags: the last wins), for calls that fail. */
    private static Commands.Result refused(String endpoint, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--dial-timeout", "1s",
                "--command-timeout", "2s"));
        all.addAll(List.of(args));
        return Commands.etcdctl(endpoint, "", all.toArray(String[]::new));
    }

    /** {@code args} with the TLS flags of {@code files} first (etcdctl's and katd ctl's). */
    private static String[] tls(NettyTransportConfig.Tls files, String... args) {
        List<String> all = new java.util.ArrayList<>();
        boolean ctl = args.length > 0 && args[0].equals("ctl");
        if (ctl) {
            all.add("ctl");
        }
        all.addAll(List.of("--cacert", files.trustedCa().toString(), "--cert",
                files.certChain().toString(), "--key", files.privateKey().toString()));
        all.addAll(List.of(args).subList(ctl ? 1 : 0, args.length));
        return all.toArray(String[]::new);
    }
}
