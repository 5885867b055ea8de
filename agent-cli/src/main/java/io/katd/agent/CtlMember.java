package io.katd.agent;

import io.katd.proto.etcd.etcdserverpb.Member;
import io.katd.proto.etcd.etcdserverpb.MemberAddRequest;
import io.katd.proto.etcd.etcdserverpb.MemberAddResponse;
import io.katd.proto.etcd.etcdserverpb.MemberListRequest;
import io.katd.proto.etcd.etcdserverpb.MemberListResponse;
import io.katd.proto.etcd.etcdserverpb.MemberPromoteRequest;
import io.katd.proto.etcd.etcdserverpb.MemberPromoteResponse;
import io.katd.proto.etcd.etcdserverpb.MemberRemoveRequest;
import io.katd.proto.etcd.etcdserverpb.MemberRemoveResponse;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code katd ctl member list|add|remove|promote}; member ids are hexadecimal. */
@Command(name = "member", mixinStandardHelpOptions = true,
        description = "Membership commands (ids in hexadecimal, as etcdctl prints them).",
        subcommands = {CtlMember.List.class, CtlMember.Add.class, CtlMember.Remove.class,
                CtlMember.Promote.class})
final class CtlMember {
    static long parseId(String text, String what) {
        return MemberIds.parseUserId(text, what, "member");
    }

    /** etcdctl's line: id, status, name, peer URLs, client URLs, is learner. */
    static String line(Member m) {
        return String.join(", ", MemberIds.hex(m.getID()),
                m.getName().isEmpty() ? "unstarted" : "started", m.getName(),
                String.join(",", m.getPeerURLsList()), String.join(",", m.getClientURLsList()),
                Boolean.toString(m.getIsLearner()));
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the members: id, status, name, peer URLs, client URLs,"
                    + " is learner.")
    static final class List implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            CtlCommand ctl = CtlCommand.of(spec);
            try (EtcdClient c = ctl.connect()) {
                MemberListResponse r = c.cluster().memberList(MemberListRequest.newBuilder()
                        .setLinearizable(true).build());
                PrintWriter out = spec.commandLine().getOut();
                ctl.print(spec, r, () -> r.getMembersList().forEach(m -> out.println(line(m))));
            }
            return Katd.OK;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds a member with the given peer URLs (start it with katd join,"
                    + " or let katd join do both).")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--peer-urls", required = true, paramLabel = "URL[,URL...]")
        String peerUrls;

        @Option(names = "--learner", description = "add as a learner (no vote)")
        boolean learner;

        @Override
        public Integer call() {
            CtlCommand ctl = CtlCommand.of(spec);
            MemberAddRequest.Builder request = MemberAddRequest.newBuilder()
                    .setIsLearner(learner);
            for (String u : EtcdClient.split(peerUrls)) {
                Endpoint.Parsed p = Endpoint.parse(u);
                if (p.endpoint().isEmpty()) {
                    throw new ConfigException("--peer-urls: " + p.problem().orElseThrow());
                }
                request.addPeerURLs(p.endpoint().get().toString());
            }
            try (EtcdClient c = ctl.connect()) {
                MemberAddResponse r = c.cluster().memberAdd(request.build());
                PrintWriter out = spec.commandLine().getOut();
                ctl.print(spec, r, () -> out.printf("Member %s added to cluster %s%n",
                        MemberIds.hex(r.getMember().getID()),
                        MemberIds.hex(r.getHeader().getClusterId())));
            }
            return Katd.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Removes a member.")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            CtlCommand ctl = CtlCommand.of(spec);
            long member = parseId(id, "member remove");
            try (EtcdClient c = ctl.connect()) {
                MemberRemoveResponse r = c.cluster().memberRemove(MemberRemoveRequest
                        .newBuilder().setID(member).build());
                PrintWriter out = spec.commandLine().getOut();
                ctl.print(spec, r, () -> out.printf("Member %s removed from cluster %s%n",
                        MemberIds.hex(member), MemberIds.hex(r.getHeader().getClusterId())));
            }
            return Katd.OK;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Promotes a learner that is in sync with the leader to voter.")
    static final class Promote implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            CtlCommand ctl = CtlCommand.of(spec);
            long member = parseId(id, "member promote");
            try (EtcdClient c = ctl.connect()) {
                MemberPromoteResponse r = c.cluster().memberPromote(MemberPromoteRequest
                        .newBuilder().setID(member).build());
                PrintWriter out = spec.commandLine().getOut();
                ctl.print(spec, r, () -> out.printf("Member %s promoted in cluster %s%n",
                        MemberIds.hex(member), MemberIds.hex(r.getHeader().getClusterId())));
            }
            return Katd.OK;
        }
    }
}
