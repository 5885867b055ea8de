package io.katd.agent;

import io.grpc.StatusRuntimeException;
import io.katd.proto.etcd.etcdserverpb.Member;
import io.katd.proto.etcd.etcdserverpb.MemberListRequest;
import io.katd.proto.etcd.etcdserverpb.StatusResponse;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code katd ctl leader}: the current leader's name, id and term, from the
 * Maintenance.Status answer of the endpoints with the highest term that names a leader;
 * the name comes from the member list.
 */
@Command(name = "leader", mixinStandardHelpOptions = true,
        description = "Prints the current leader: name, id and term.")
final class CtlLeader implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CtlCommand ctl = CtlCommand.of(spec);
        boolean json = ctl.json();
        StatusResponse best = null;
        for (CtlEndpoint.Answer a : CtlEndpoint.statuses(ctl)) {
            if (a.status().isPresent() && a.status().get().getLeader() != 0
                    && (best == null || a.status().get().getRaftTerm() > best.getRaftTerm())) {
                best = a.status().get();
            }
        }
        if (best == null) {
            throw new ClientException("no endpoint of " + ctl.endpoints + " knows a leader");
        }
        long leader = best.getLeader();
        String name = "";
        try (EtcdClient c = ctl.connect()) {
            List<Member> members = c.cluster().memberList(MemberListRequest.getDefaultInstance())
                    .getMembersList();
            name = members.stream().filter(m -> m.getID() == leader).map(Member::getName)
                    .findFirst().orElse("");
        } catch (StatusRuntimeException e) {
            // The name is a courtesy: the id and term are known.
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            StringBuilder j = new StringBuilder("{\"name\":");
            ProtoJson.string(j, name);
            j.append(",\"id\":");
            ProtoJson.string(j, MemberIds.hex(leader));
            j.append(",\"term\":").append(best.getRaftTerm()).append('}');
            out.println(j);
        } else {
            out.printf("%s, %s, term %d%n", name.isEmpty() ? "(unnamed)" : name,
                    MemberIds.hex(leader), best.getRaftTerm());
        }
        out.flush();
        return Katd.OK;
    }
}
