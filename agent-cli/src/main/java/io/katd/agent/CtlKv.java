package io.katd.agent;

import com.google.protobuf.ByteString;
import io.katd.proto.etcd.etcdserverpb.DeleteRangeRequest;
import io.katd.proto.etcd.etcdserverpb.DeleteRangeResponse;
import io.katd.proto.etcd.etcdserverpb.PutRequest;
import io.katd.proto.etcd.etcdserverpb.PutResponse;
import io.katd.proto.etcd.etcdserverpb.RangeRequest;
import io.katd.proto.etcd.etcdserverpb.RangeResponse;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code katd ctl get|put|del}: the key-value requests, printed as etcdctl prints them. */
final class CtlKv {
    private CtlKv() {}

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    /** The end of the range of every key starting with {@code prefix} (etcd's rule). */
    static ByteString prefixEnd(ByteString prefix) {
        return io.katd.kv.mvcc.KeyRanges.prefixEnd(prefix);
    }

    /** The range end of {@code key} given an optional explicit end and --prefix. */
    static ByteString rangeEnd(String key, String end, boolean prefix, String command) {
        if (prefix && end != null) {
            throw new ConfigException(command + ": give --prefix or a range end, not both");
        }
        if (prefix) {
            return prefixEnd(bytes(key));
        }
        return end == null ? ByteString.EMPTY : bytes(end);
    }

    static void printKv(PrintWriter out, KeyValue kv, boolean keysOnly) {
        out.println(kv.getKey().toStringUtf8());
        if (!keysOnly) {
            out.println(kv.getValue().toStringUtf8());
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Gets the key, or the keys in [key, range-end), or under a prefix.")
    static final class Get implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Parameters(index = "1", arity = "0..1", paramLabel = "RANGE_END")
        String rangeEnd;

        @Option(names = "--prefix", description = "every key with the prefix KEY")
        boolean prefix;

        @Option(names = "--rev", paramLabel = "REVISION", description = "read at a revision")
        long revision;

        @Option(names = "--limit", paramLabel = "N", description = "at most N keys")
        long limit;

        @Option(names = "--keys-only", description = "print keys only")
        boolean keysOnly;

        @Option(names = "--consistency", paramLabel = "l|s", defaultValue = "l",
                description = "l: linearizable (default), s: serializable (this member's"
                        + " state)")
        String consistency;

        @Override
        public Integer call() {
            CtlCommand ctl = CtlCommand.of(spec);
            boolean serializable = switch (consistency) {
                case "l" -> false;
                case "s" -> true;
                default -> throw new ConfigException("--consistency: "
                        + Cidrs.quote(consistency) + " is not l or s");
            };
            if (revision < 0 || limit < 0) {
                throw new ConfigException("get: --rev and --limit must not be negative");
            }
            RangeRequest request = RangeRequest.newBuilder().setKey(bytes(key))
                    .setRangeEnd(rangeEnd(key, rangeEnd, prefix, "get")).setRevision(revision)
                    .setLimit(limit).setKeysOnly(keysOnly).setSerializable(serializable)
                    .build();
            try (EtcdClient c = ctl.connect()) {
                RangeResponse r = c.kv().range(request);
                PrintWriter out = spec.commandLine().getOut();
                ctl.print(spec, r, () -> r.getKvsList().forEach(kv -> printKv(out, kv,
                        keysOnly)));
            }
            return Katd.OK;
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Puts the key with the value; prints OK.")
    static final class Put implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Parameters(index = "1", paramLabel = "VALUE")
        String value;

        @Option(names = "--lease", paramLabel = "ID", description = "attach to the lease"
                + " (hexadecimal id)")
        String lease;

        @Option(names = "--prev-kv", description = "print the previous key-value")
        boolean prevKv;

        @Override
        public Integer call() {
            CtlCommand ctl = CtlCommand.of(spec);
            PutRequest.Builder request = PutRequest.newBuilder().setKey(bytes(key))
                    .setValue(bytes(value)).setPrevKv(prevKv);
            if (lease != null) {
                request.setLease(CtlLease.parseId(lease, "--lease"));
            }
            try (EtcdClient c = ctl.connect()) {
                PutResponse r = c.kv().put(request.build());
                PrintWriter out = spec.commandLine().getOut();
                ctl.print(spec, r, () -> {
                    out.println("OK");
                    if (r.hasPrevKv()) {
                        printKv(out, r.getPrevKv(), false);
                    }
                });
            }
            return Katd.OK;
        }
    }

    @Command(name = "del", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Deletes the key, or the keys in [key, range-end), or under a"
                    + " prefix; prints how many were deleted.")
    static final class Del implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Parameters(index = "1", arity = "0..1", paramLabel = "RANGE_END")
        String rangeEnd;

        @Option(names = "--prefix", description = "every key with the prefix KEY")
        boolean prefix;

        @Option(names = "--prev-kv", description = "print the deleted key-values")
        boolean prevKv;

        @Override
        public Integer call() {
            CtlCommand ctl = CtlCommand.of(spec);
            DeleteRangeRequest request = DeleteRangeRequest.newBuilder().setKey(bytes(key))
                    .setRangeEnd(rangeEnd(key, rangeEnd, prefix, "del")).setPrevKv(prevKv)
                    .build();
            try (EtcdClient c = ctl.connect()) {
                DeleteRangeResponse r = c.kv().deleteRange(request);
                PrintWriter out = spec.commandLine().getOut();
                ctl.print(spec, r, () -> {
                    out.println(r.getDeleted());
                    r.getPrevKvsList().forEach(kv -> printKv(out, kv, false));
                });
            }
            return Katd.OK;
        }
    }
}
