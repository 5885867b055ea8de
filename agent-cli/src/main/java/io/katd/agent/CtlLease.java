package io.katd.agent;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.katd.proto.etcd.etcdserverpb.LeaseGrantRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseGrantResponse;
import io.katd.proto.etcd.etcdserverpb.LeaseKeepAliveRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseKeepAliveResponse;
import io.katd.proto.etcd.etcdserverpb.LeaseRevokeRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseRevokeResponse;
import io.katd.proto.etcd.etcdserverpb.LeaseTimeToLiveRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseTimeToLiveResponse;
import java.io.PrintWriter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code katd ctl lease grant|revoke|keep-alive|timetolive}; lease ids are hexadecimal. */
@Command(name = "lease", mixinStandardHelpOptions = true,
        description = "Lease commands (ids in hexadecimal, as etcdctl prints them).",
        subcommands = {CtlLease.Grant.class, CtlLease.Revoke.class, CtlLease.KeepAlive.class,
                CtlLease.TimeToLive.class})
final class CtlLease {
    /** @throws ConfigException naming {@code what} when {@code text} is no lease id */
    static long parseId(String text, String what) {
        return MemberIds.parseUserId(text, what, "lease");
    }

    static String hex(long id) {
        return MemberIds.hex(id);
    }

    @Command(name = "grant", mixinStandardHelpOptions = true,
            description = "Grants a lease of TTL seconds; prints its id.")
    static final class Grant implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TTL", description = "seconds")
        long ttlSeconds;

        @Override
        public Integer call() {
            CtlCommand ctl = CtlCommand.of(spec);
            if (ttlSeconds <= 0) {
                throw new ConfigException("lease grant: TTL " + ttlSeconds + " must be positive");
            }
            try (EtcdClient c = ctl.connect()) {
                LeaseGrantResponse r = c.lease().leaseGrant(LeaseGrantRequest.newBuilder()
                        .setTTL(ttlSeconds).build());
                if (!r.getError().isEmpty()) {
                    throw new ClientException("lease grant: " + r.getError());
                }
                PrintWriter out = spec.commandLine().getOut();
                ctl.print(spec, r, () -> out.printf("lease %s granted with TTL(%ds)%n",
                        hex(r.getID()), r.getTTL()));
            }
            return Katd.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revokes a lease; its keys are deleted.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            CtlCommand ctl = CtlCommand.of(spec);
            long lease = parseId(id, "lease revoke");
            try (EtcdClient c = ctl.connect()) {
                LeaseRevokeResponse r = c.lease().leaseRevoke(LeaseRevokeRequest.newBuilder()
                        .setID(lease).build());
                PrintWriter out = spec.commandLine().getOut();
                ctl.print(spec, r, () -> out.printf("lease %s revoked%n", hex(lease)));
            }
            return Katd.OK;
        }
    }

    @Command(name = "keep-alive", mixinStandardHelpOptions = true,
            description = "Keeps a lease alive (every third of its TTL) until interrupted,"
                    + " or once with --once.")
    static final class KeepAlive implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--once", description = "renew once and exit")
        boolean once;

        @Override
        public Integer call() throws InterruptedException {
            CtlCommand ctl = CtlCommand.of(spec);
            long lease = parseId(id, "lease keep-alive");
            PrintWriter out = spec.commandLine().getOut();
            BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
            try (EtcdClient c = ctl.connect()) {
                StreamObserver<LeaseKeepAliveRequest> requests = c.leaseStreams()
                        .leaseKeepAlive(new StreamObserver<>() {
                            @Override
                            public void onNext(LeaseKeepAliveResponse r) {
                                answers.add(r);
                            }

                            @Override
                            public void onError(Throwable t) {
                                answers.add(t);
                            }

                            @Override
                            public void onCompleted() {
                                answers.add(new ClientException("the server ended the"
                                        + " keep-alive stream"));
                            }
                        });
                LeaseKeepAliveRequest request = LeaseKeepAliveRequest.newBuilder()
                        .setID(lease).build();
                try {
                    while (true) {
                        requests.onNext(request);
                        Object a = answers.poll(c.commandTimeout().toMillis(),
                                TimeUnit.MILLISECONDS);
                        LeaseKeepAliveResponse r = answer(a, lease);
                        ctl.print(spec, r, () -> out.printf(
                                "lease %s keepalived with TTL(%d)%n", hex(lease), r.getTTL()));
                        if (once) {
                            return Katd.OK;
                        }
                        TimeUnit.MILLISECONDS.sleep(Math.max(500, r.getTTL() * 1000 / 3));
                    }
                } finally {
                    requests.onCompleted();
                }
            }
        }

        private static LeaseKeepAliveResponse answer(Object a, long lease) {
            if (a == null) {
                throw new ClientException("lease " + hex(lease)
                        + ": no keep-alive answer within the command timeout");
            }
            if (a instanceof StatusRuntimeException e) {
                throw new ClientException("lease keep-alive: " + EtcdClient.describe(e), e);
            }
            if (a instanceof RuntimeException e) {
                throw e;
            }
            if (a instanceof Throwable t) {
                throw new ClientException("lease keep-alive: " + t, t);
            }
            LeaseKeepAliveResponse r = (LeaseKeepAliveResponse) a;
            if (r.getTTL() <= 0) {
                throw new ClientException("lease " + hex(lease) + " expired or revoked");
            }
            return r;
        }
    }

    @Command(name = "timetolive", mixinStandardHelpOptions = true,
            description = "Prints a lease's granted and remaining TTL (and keys with --keys).")
    static final class TimeToLive implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--keys", description = "also list the keys attached")
        boolean keys;

        @Override
        public Integer call() {
            CtlCommand ctl = CtlCommand.of(spec);
            long lease = parseId(id, "lease timetolive");
            try (EtcdClient c = ctl.connect()) {
                LeaseTimeToLiveResponse r = c.lease().leaseTimeToLive(LeaseTimeToLiveRequest
                        .newBuilder().setID(lease).setKeys(keys).build());
                PrintWriter out = spec.commandLine().getOut();
                ctl.print(spec, r, () -> {
                    if (r.getTTL() == -1) {
                        out.printf("lease %s already expired%n", hex(lease));
                        return;
                    }
                    out.printf("lease %s granted with TTL(%ds), remaining(%ds)", hex(lease),
                            r.getGrantedTTL(), r.getTTL());
                    if (keys) {
                        out.printf(", attached keys(%s)", r.getKeysList().stream()
                                .map(k -> k.toStringUtf8()).collect(Collectors.joining(" ",
                                        "[", "]")));
                    }
                    out.println();
                });
            }
            return Katd.OK;
        }
    }
}
