package io.katd.agent;

import com.google.protobuf.Message;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code katd ctl}: client commands over the etcd v3 gRPC API, named and printed as
 * etcdctl 3.4 does. The global flags may come before or after the subcommand. Exit
 * status: 0 done, 1 the request failed (the server's message on stderr), 2 usage.
 */
@Command(name = "ctl", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Talks to a katd (or etcd) cluster over the etcd v3 gRPC API.",
        subcommands = {CtlKv.Get.class, CtlKv.Put.class, CtlKv.Del.class, CtlTxn.class,
                CtlWatch.class, CtlLease.class, CtlMember.class, CtlLeader.class,
                CtlEndpoint.class, CtlSnapshot.class})
final class CtlCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    CommandSpec spec;

    @Option(names = "--endpoints", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT[,...]",
            defaultValue = "127.0.0.1:2379",
            description = "members to talk to, tried in turn (default: 127.0.0.1:2379)")
    String endpoints;

    @Option(names = "--dial-timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION",
            defaultValue = "2s", description = "connection timeout per endpoint (default: 2s)")
    String dialTimeout;

    @Option(names = "--command-timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION",
            defaultValue = "5s", description = "timeout of each request (default: 5s)")
    String commandTimeout;

    @Option(names = {"-w", "--write-out"}, scope = ScopeType.INHERIT,
            paramLabel = "simple|json", defaultValue = "simple",
            description = "output format: simple or json (default: simple)")
    String writeOut;

    @Option(names = "--cacert", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "verify the server with this CA bundle (PEM); implies TLS")
    java.nio.file.Path caCert;

    @Option(names = "--cert", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "client certificate (PEM) for mutual TLS; needs --key")
    java.nio.file.Path cert;

    @Option(names = "--key", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "the key of --cert (PEM)")
    java.nio.file.Path key;

    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "katd ctl needs a command (get, put, del, txn, watch, lease, member, leader,"
                        + " endpoint, snapshot)");
    }

    /** The ctl command above the subcommand {@code spec}. */
    static CtlCommand of(CommandSpec spec) {
        for (CommandSpec s = spec; s != null; s = s.parent()) {
            if (s.userObject() instanceof CtlCommand c) {
                return c;
            }
        }
        throw new IllegalStateException(spec.qualifiedName() + " is not under katd ctl");
    }

    EtcdClient.Options options() {
        return options(EtcdClient.split(endpoints));
    }

    /** The connection settings, checked (with the output format) before any request. */
    EtcdClient.Options options(List<String> endpointList) {
        json();
        ClientTlsOptions t = new ClientTlsOptions();
        t.caCert = caCert;
        t.cert = cert;
        t.key = key;
        EtcdClient.Options o = new EtcdClient.Options(endpointList,
                CtlDurations.parse(dialTimeout, "--dial-timeout"),
                CtlDurations.parse(commandTimeout, "--command-timeout"), t.tls());
        EtcdClient.targets(o.endpoints(), "--endpoints");
        return o;
    }

    /** Connects to the first endpoint that answers. */
    EtcdClient connect() {
        return EtcdClient.connect(options());
    }

    boolean json() {
        return switch (writeOut) {
            case "json" -> true;
            case "simple" -> false;
            default -> throw new ConfigException("--write-out: " + Cidrs.quote(writeOut)
                    + " is not an output format (simple or json)");
        };
    }

    /** Prints {@code m} as JSON when -w json, else runs {@code simple}. */
    void print(CommandSpec spec, Message m, Runnable simple) {
        PrintWriter out = spec.commandLine().getOut();
        if (json()) {
            out.println(ProtoJson.of(m));
        } else {
            simple.run();
        }
        out.flush();
    }
}
