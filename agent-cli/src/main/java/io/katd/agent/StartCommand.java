package io.katd.agent;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code katd start}: restarts a member from its data directory, or bootstraps statically. */
@Command(name = "start", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Starts a member from its data directory (made by 'katd init' or an"
                + " earlier start).",
                "With --initial-cluster and an empty data directory it creates the member"
                        + " first (static bootstrap, as etcd does): member ids derive from"
                        + " each name and the cluster token, so every member agrees."})
final class StartCommand implements Callable<Integer> {
    @Mixin
    MemberOptions options;

    @Override
    public Integer call() throws Exception {
        return MemberRunner.start(options.resolve());
    }
}
