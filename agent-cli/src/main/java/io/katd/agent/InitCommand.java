package io.katd.agent;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code katd init}: founds a new single-member cluster with this node and serves it. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Creates a new cluster with this node as its only member: creates the"
                + " data directory, generates the cluster UID, becomes leader, stores the UID"
                + " at /kat/config/cluster_uid and the configuration at"
                + " /kat/config/cluster_config, then serves until stopped (SIGTERM).",
                "Without --config: a member named default in ./katd-data, peers on"
                        + " 127.0.0.1:2380, clients on 127.0.0.1:2379, metrics on"
                        + " 127.0.0.1:2381."})
final class InitCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "cluster.kat to read")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "overrides spec.dataDir of the file")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        MemberOptions o = new MemberOptions();
        o.config = config;
        o.dataDir = dataDir;
        ClusterConfig c = o.resolve();
        String text = config != null ? java.nio.file.Files.readString(config)
                : ConfigYaml.render(c);
        return MemberRunner.serve(Bootstrap.init(c, text));
    }
}
