package io.katd.agent;

import io.katd.proto.etcd.etcdserverpb.ResponseOp;
import io.katd.proto.etcd.etcdserverpb.TxnRequest;
import io.katd.proto.etcd.etcdserverpb.TxnResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code katd ctl txn}: one transaction, given as flags ({@code --compare}, {@code
 * --success}, {@code --failure}, each repeatable), or else read from stdin in etcdctl's
 * format: compares one per line, an empty line, success operations, an empty line, failure
 * operations (end of input ends a section too). The line syntax is {@link TxnParser}'s.
 */
@Command(name = "txn", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a transaction: if every compare holds, the success operations,"
                + " else the failure operations. Prints SUCCESS or FAILURE and each"
                + " operation's result.",
                "Without flags, reads etcdctl's format from stdin: compares, an empty line,"
                        + " success operations, an empty line, failure operations.",
                "Compare: value(\"k\") = \"v\" | version(\"k\") > \"1\" | create(\"k\") = \"0\""
                        + " | mod(\"k\") < \"9\" | lease(\"k\") = \"ID\" (=, !=, <, >).",
                "Operation: put KEY VALUE | get KEY [END] [--prefix] | del KEY [END]"
                        + " [--prefix]."})
final class CtlTxn implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--compare", paramLabel = "COMPARE", description = "a compare")
    List<String> compares = new ArrayList<>();

    @Option(names = "--success", paramLabel = "OP", description = "an operation if all hold")
    List<String> success = new ArrayList<>();

    @Option(names = "--failure", paramLabel = "OP", description = "an operation otherwise")
    List<String> failure = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        CtlCommand ctl = CtlCommand.of(spec);
        if (compares.isEmpty() && success.isEmpty() && failure.isEmpty()) {
            List<List<String>> sections = readSections();
            compares = sections.get(0);
            success = sections.get(1);
            failure = sections.get(2);
        }
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        compares.forEach(l -> txn.addCompare(TxnParser.compare(l)));
        success.forEach(l -> txn.addSuccess(TxnParser.op(l)));
        failure.forEach(l -> txn.addFailure(TxnParser.op(l)));
        try (EtcdClient c = ctl.connect()) {
            TxnResponse r = c.kv().txn(txn.build());
            PrintWriter out = spec.commandLine().getOut();
            ctl.print(spec, r, () -> {
                out.println(r.getSucceeded() ? "SUCCESS" : "FAILURE");
                for (ResponseOp op : r.getResponsesList()) {
                    out.println();
                    switch (op.getResponseCase()) {
                        case RESPONSE_PUT -> out.println("OK");
                        case RESPONSE_DELETE_RANGE -> out.println(op.getResponseDeleteRange()
                                .getDeleted());
                        case RESPONSE_RANGE -> op.getResponseRange().getKvsList()
                                .forEach(kv -> CtlKv.printKv(out, kv, false));
                        default -> out.println(op.getResponseCase());
                    }
                }
            });
        }
        return Katd.OK;
    }

    private static List<List<String>> readSections() throws IOException {
        List<List<String>> sections = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8));
        List<String> current = new ArrayList<>();
        String line;
        while (sections.size() < 3 && (line = in.readLine()) != null) {
            if (line.isBlank()) {
                sections.add(current);
                current = new ArrayList<>();
            } else {
                current.add(line);
            }
        }
        while (sections.size() < 3) {
            sections.add(current);
            current = new ArrayList<>();
        }
        return sections;
    }
}
