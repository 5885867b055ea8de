package io.katd.agent;

import com.google.protobuf.ByteString;
import io.katd.proto.etcd.etcdserverpb.Compare;
import io.katd.proto.etcd.etcdserverpb.DeleteRangeRequest;
import io.katd.proto.etcd.etcdserverpb.PutRequest;
import io.katd.proto.etcd.etcdserverpb.RangeRequest;
import io.katd.proto.etcd.etcdserverpb.RequestOp;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of etcdctl's transaction format. A compare is
 * {@code value("key") = "v"}, {@code version("key") > "2"}, {@code create("key") = "0"},
 * {@code mod("key") < "7"} or {@code lease("key") = "694d77aa9e38260f"}, with =, !=, &lt;
 * or &gt;. An operation is {@code put KEY VALUE}, {@code get KEY [RANGE_END] [--prefix]}
 * or {@code del KEY [RANGE_END] [--prefix]}. Words may be double-quoted, with backslash
 * escapes.
 */
final class TxnParser {
    private TxnParser() {}

    /** @throws ConfigException naming the line when it is not a compare */
    static Compare compare(String line) {
        String t = line.trim();
        int open = t.indexOf('(');
        int close = t.indexOf(')', open + 1);
        if (open <= 0 || close < 0) {
            throw bad("compare", line, "expected target(\"key\") op \"value\"");
        }
        String target = t.substring(0, open).trim();
        List<String> key = words(t.substring(open + 1, close), line);
        List<String> rest = words(t.substring(close + 1), line);
        if (key.size() != 1 || rest.size() != 2) {
            throw bad("compare", line, "expected target(\"key\") op \"value\"");
        }
        Compare.Builder c = Compare.newBuilder().setKey(ByteString.copyFromUtf8(key.get(0)));
        c.setResult(switch (rest.get(0)) {
            case "=", "==" -> Compare.CompareResult.EQUAL;
            case "!=" -> Compare.CompareResult.NOT_EQUAL;
            case "<" -> Compare.CompareResult.LESS;
            case ">" -> Compare.CompareResult.GREATER;
            default -> throw bad("compare", line, Cidrs.quote(rest.get(0))
                    + " is not an operator (=, !=, <, >)");
        });
        String v = rest.get(1);
        switch (target) {
            case "value", "val" -> c.setTarget(Compare.CompareTarget.VALUE)
                    .setValue(ByteString.copyFromUtf8(v));
            case "version", "ver" -> c.setTarget(Compare.CompareTarget.VERSION)
                    .setVersion(number(v, line));
            case "create", "c" -> c.setTarget(Compare.CompareTarget.CREATE)
                    .setCreateRevision(number(v, line));
            case "mod", "m" -> c.setTarget(Compare.CompareTarget.MOD)
                    .setModRevision(number(v, line));
            case "lease" -> c.setTarget(Compare.CompareTarget.LEASE)
                    .setLease(CtlLease.parseId(v, "compare " + Cidrs.quote(line)));
            default -> throw bad("compare", line, Cidrs.quote(target)
                    + " is not a compare target (value, version, create, mod, lease)");
        }
        return c.build();
    }

    /** @throws ConfigException naming the line when it is not an operation */
    static RequestOp op(String line) {
        List<String> w = words(line, line);
        if (w.isEmpty()) {
            throw bad("operation", line, "empty");
        }
        boolean prefix = w.remove("--prefix");
        String verb = w.get(0);
        List<String> args = w.subList(1, w.size());
        return switch (verb) {
            case "put" -> {
                if (args.size() != 2 || prefix) {
                    throw bad("operation", line, "expected put KEY VALUE");
                }
                yield RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                        .setKey(CtlKv.bytes(args.get(0))).setValue(CtlKv.bytes(args.get(1))))
                        .build();
            }
            case "get" -> {
                checkRange(args, line, "get");
                yield RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder()
                        .setKey(CtlKv.bytes(args.get(0))).setRangeEnd(CtlKv.rangeEnd(
                                args.get(0), args.size() > 1 ? args.get(1) : null, prefix,
                                "get"))).build();
            }
            case "del", "delete" -> {
                checkRange(args, line, "del");
                yield RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest
                        .newBuilder().setKey(CtlKv.bytes(args.get(0))).setRangeEnd(
                                CtlKv.rangeEnd(args.get(0), args.size() > 1 ? args.get(1)
                                        : null, prefix, "del"))).build();
            }
            default -> throw bad("operation", line, Cidrs.quote(verb)
                    + " is not an operation (put, get, del)");
        };
    }

    private static void checkRange(List<String> args, String line, String verb) {
        if (args.isEmpty() || args.size() > 2) {
            throw bad("operation", line, "expected " + verb + " KEY [RANGE_END] [--prefix]");
        }
    }

    private static long number(String v, String line) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw bad("compare", line, Cidrs.quote(v) + " is not a whole number");
        }
    }

    /** Splits on blanks; a double-quoted word may hold blanks and backslash escapes. */
    static List<String> words(String text, String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char ch = text.charAt(i);
            if (Character.isWhitespace(ch)) {
                i++;
                continue;
            }
            StringBuilder w = new StringBuilder();
            if (ch == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = text.charAt(i++);
                    if (c == '\\' && i < n) {
                        char e = text.charAt(i++);
                        w.append(switch (e) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            default -> e;
                        });
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        w.append(c);
                    }
                }
                if (!closed) {
                    throw bad("line", line, "a quote is not closed");
                }
            } else {
                while (i < n && !Character.isWhitespace(text.charAt(i))) {
                    w.append(text.charAt(i++));
                }
            }
            out.add(w.toString());
        }
        return out;
    }

    private static ConfigException bad(String what, String line, String problem) {
        return new ConfigException("txn: " + what + " " + Cidrs.quote(line.trim()) + ": "
                + problem);
    }
}
