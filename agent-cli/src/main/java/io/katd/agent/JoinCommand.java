package io.katd.agent;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code katd join}: adds this node to a running cluster as a learner and serves it. */
@Command(name = "join", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Joins a running cluster: asks a member (any of --peers, tried in"
                + " turn) to add this node as a learner with its advertised peer URL,"
                + " writes the member identity to an empty data directory and starts with an"
                + " empty log; the leader catches it up with a snapshot. Once in sync it"
                + " promotes itself to voter, then serves until stopped (SIGTERM).",
                "Later restarts use 'katd start --data-dir DIR'."})
final class JoinCommand implements Callable<Integer> {
    @Mixin
    MemberOptions options;

    @Option(names = "--peers", required = true, paramLabel = "URL[,URL...]",
            description = "client URLs of running members, e.g. http://127.0.0.1:2379")
    String peers;

    @Option(names = "--dial-timeout", paramLabel = "DURATION", defaultValue = "2s",
            description = "how long to wait for a connection to each member (default: 2s)")
    String dialTimeout;

    @Option(names = "--promote-timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "how long to keep asking for promotion to voter (default: 10m)")
    String promoteTimeout;

    @Mixin
    ClientTlsOptions tls;

    @Override
    public Integer call() throws Exception {
        ClusterConfig c = options.resolve();
        EtcdClient.Options client = new EtcdClient.Options(EtcdClient.split(peers),
                CtlDurations.parse(dialTimeout, "--dial-timeout"), Duration.ofSeconds(15),
                tls.tls());
        EtcdClient.targets(client.endpoints(), "--peers");
        Duration promote = CtlDurations.parse(promoteTimeout, "--promote-timeout");
        Member m = Join.join(c, client);
        LearnerPromotion promotion = new LearnerPromotion(m.identity(), client, promote);
        promotion.start();
        try {
            return MemberRunner.serve(m);
        } finally {
            promotion.close();
        }
    }
}
