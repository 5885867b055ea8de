package io.katd.agent;

import io.grpc.StatusRuntimeException;
import io.katd.proto.etcd.etcdserverpb.RangeRequest;
import io.katd.proto.etcd.etcdserverpb.StatusRequest;
import io.katd.proto.etcd.etcdserverpb.StatusResponse;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code katd ctl endpoint status|health}: asks every endpoint, one by one. */
@Command(name = "endpoint", mixinStandardHelpOptions = true,
        description = "Asks every endpoint of --endpoints for its status or health.",
        subcommands = {CtlEndpoint.StatusCommand.class, CtlEndpoint.Health.class})
final class CtlEndpoint {
    /** One endpoint's Maintenance.Status, or why there is none. */
    record Answer(String endpoint, Optional<StatusResponse> status, String error) {}

    /** Maintenance.Status of every endpoint, in the order given. */
    static List<Answer> statuses(CtlCommand ctl) {
        List<Answer> out = new ArrayList<>();
        for (String e : EtcdClient.split(ctl.endpoints)) {
            try (EtcdClient c = EtcdClient.connect(ctl.options(List.of(e)))) {
                out.add(new Answer(e, Optional.of(c.maintenance().status(
                        StatusRequest.getDefaultInstance())), ""));
            } catch (ClientException x) {
                out.add(new Answer(e, Optional.empty(), x.getMessage()));
            } catch (StatusRuntimeException x) {
                out.add(new Answer(e, Optional.empty(), EtcdClient.describe(x)));
            }
        }
        return out;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Prints endpoint, id, version, db size, is leader, is learner, raft"
                    + " term, raft index, raft applied index, errors.")
    static final class StatusCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            CtlCommand ctl = CtlCommand.of(spec);
            boolean json = ctl.json();
            List<Answer> answers = statuses(ctl);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            StringBuilder j = new StringBuilder("[");
            boolean failed = false;
            for (Answer a : answers) {
                if (a.status().isEmpty()) {
                    failed = true;
                    err.println("failed to get the status of endpoint " + a.endpoint() + ": "
                            + a.error());
                    continue;
                }
                StatusResponse s = a.status().get();
                if (json) {
                    if (j.length() > 1) {
                        j.append(',');
                    }
                    j.append("{\"Endpoint\":");
                    ProtoJson.string(j, a.endpoint());
                    j.append(",\"Status\":").append(ProtoJson.of(s)).append('}');
                } else {
                    out.println(String.join(", ", a.endpoint(),
                            MemberIds.hex(s.getHeader().getMemberId()), s.getVersion(),
                            bytes(s.getDbSize()), Boolean.toString(s.getLeader()
                                    == s.getHeader().getMemberId()),
                            Boolean.toString(s.getIsLearner()), Long.toString(s.getRaftTerm()),
                            Long.toString(s.getRaftIndex()),
                            Long.toString(s.getRaftAppliedIndex()),
                            String.join(",", s.getErrorsList())));
                }
            }
            if (json) {
                out.println(j.append(']'));
            }
            out.flush();
            err.flush();
            return failed ? Katd.FAILURE : Katd.OK;
        }

        private static String bytes(long n) {
            if (n < 1000) {
                return n + " B";
            }
            if (n < 1000_000) {
                return String.format("%.1f kB", n / 1000.0);
            }
            return String.format("%.1f MB", n / 1000_000.0);
        }
    }

    @Command(name = "health", mixinStandardHelpOptions = true,
            description = "An endpoint is healthy when a linearizable read (a quorum read of"
                    + " the key \"health\") succeeds within the command timeout.")
    static final class Health implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            CtlCommand ctl = CtlCommand.of(spec);
            boolean json = ctl.json();
            PrintWriter out = spec.commandLine().getOut();
            StringBuilder j = new StringBuilder("[");
            boolean allHealthy = true;
            for (String e : EtcdClient.split(ctl.endpoints)) {
                long start = System.nanoTime();
                String error = "";
                try (EtcdClient c = EtcdClient.connect(ctl.options(List.of(e)))) {
                    c.kv().range(RangeRequest.newBuilder().setKey(CtlKv.bytes("health"))
                            .build());
                } catch (ClientException x) {
                    error = x.getMessage();
                } catch (StatusRuntimeException x) {
                    error = EtcdClient.describe(x);
                }
                double tookMillis = (System.nanoTime() - start) / 1e6;
                boolean healthy = error.isEmpty();
                allHealthy &= healthy;
                if (json) {
                    if (j.length() > 1) {
                        j.append(',');
                    }
                    j.append("{\"endpoint\":");
                    ProtoJson.string(j, e);
                    j.append(",\"health\":").append(healthy).append(",\"took\":");
                    ProtoJson.string(j, String.format("%.3fms", tookMillis));
                    if (!healthy) {
                        j.append(",\"error\":");
                        ProtoJson.string(j, error);
                    }
                    j.append('}');
                } else if (healthy) {
                    out.printf("%s is healthy: successfully committed proposal: took = %.3fms%n",
                            e, tookMillis);
                } else {
                    out.printf("%s is unhealthy: failed to commit proposal: %s%n", e, error);
                }
            }
            if (json) {
                out.println(j.append(']'));
            }
            out.flush();
            if (!allHealthy) {
                spec.commandLine().getErr().println("katd: unhealthy cluster");
                spec.commandLine().getErr().flush();
                return Katd.FAILURE;
            }
            return Katd.OK;
        }
    }
}
