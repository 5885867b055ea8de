package io.katd.agent;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code katd}: runs a member of a katd cluster. Exit status: 0 when done, 2 for a usage
 * or configuration error (the message on stderr), 1 when the member fails at run time.
 */
@Command(name = "katd", mixinStandardHelpOptions = true, version = "katd 0.1.0",
        sortOptions = false,
        description = {"Runs a katd member: a Raft consensus engine with an etcd-like"
                + " key-value store.",
                "With flags and no subcommand it starts a member like 'katd start' does:"
                        + " from its data directory, or by static bootstrap from"
                        + " --initial-cluster."},
        subcommands = {InitCommand.class, StartCommand.class, JoinCommand.class,
                LocalCommand.class, CtlCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Katd implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    @Mixin
    MemberOptions options;

    @Override
    public Integer call() throws Exception {
        return MemberRunner.start(options.resolve());
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line {@code args} and returns the exit status. */
    static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Katd());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            PrintWriter err = line.getErr();
            if (e instanceof ConfigException) {
                err.println("katd: " + e.getMessage());
                err.flush();
                return USAGE;
            }
            if (e instanceof UntrustedDataException) {
                // An expected refusal: the message says what is wrong and what to do.
                err.println("katd: " + e.getMessage());
                err.flush();
                return FAILURE;
            }
            if (e instanceof io.katd.raft.storage.CorruptLogException) {
                err.println("katd: refusing to start, the Raft log cannot be trusted: "
                        + e.getMessage());
                err.flush();
                return FAILURE;
            }
            if (e instanceof ClientException) {
                err.println("katd: " + e.getMessage());
                err.flush();
                return FAILURE;
            }
            if (e instanceof io.grpc.StatusRuntimeException s) {
                err.println("katd: " + EtcdClient.describe(s));
                err.flush();
                return FAILURE;
            }
            err.println("katd: " + e);
            e.printStackTrace(err);
            err.flush();
            return FAILURE;
        });
        return cl;
    }
}
