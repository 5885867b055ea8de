package io.katd.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.katd.proto.etcd.etcdserverpb.Compare;
import io.katd.proto.etcd.etcdserverpb.Member;
import io.katd.proto.etcd.etcdserverpb.MemberAddResponse;
import io.katd.proto.etcd.etcdserverpb.RequestOp;
import io.katd.proto.etcd.etcdserverpb.ResponseHeader;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** katd ctl, join and bench without a cluster: parsing, usage errors, formats. */
class CtlCommandTest {
    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Katd.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void usageErrorsExitTwoAndNameTheProblem() {
        Run unknown = run("ctl", "get", "--bogus", "k");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option: '--bogus'");
        Run none = run("ctl");
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("katd ctl needs a command");
        Run format = run("ctl", "-w", "yaml", "get", "k");
        assertThat(format.status()).isEqualTo(2);
        assertThat(format.err()).contains("--write-out: \"yaml\" is not an output format");
        Run endpoint = run("ctl", "--endpoints", "nohost", "get", "k");
        assertThat(endpoint.status()).isEqualTo(2);
        assertThat(endpoint.err()).contains("--endpoints: \"nohost\" is not an endpoint");
        Run lease = run("ctl", "lease", "revoke", "xyz");
        assertThat(lease.status()).isEqualTo(2);
        assertThat(lease.err()).contains("\"xyz\" is not a lease id");
        Run timeout = run("ctl", "--dial-timeout", "soon", "get", "k");
        assertThat(timeout.status()).isEqualTo(2);
        assertThat(timeout.err()).contains("--dial-timeout: \"soon\" is not a duration");
        Run bench = run("bench", "put", "--clients", "0");
        assertThat(bench.status()).isEqualTo(2);
        assertThat(bench.err()).contains("--clients");
    }

    @Test
    void globalFlagsGoBeforeOrAfterTheSubcommand() {
        int port = Ports.free();
        for (String[] args : new String[][] {
                {"ctl", "--endpoints", "127.0.0.1:" + port, "--dial-timeout", "200ms", "get", "k"},
                {"ctl", "get", "k", "--endpoints", "127.0.0.1:" + port, "--dial-timeout",
                        "200ms"}}) {
            Run r = run(args);
            assertThat(r.status()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err()).contains("no endpoint answered within the dial timeout 200ms: "
                    + "127.0.0.1:" + port);
        }
    }

    @Test
    void endpointsTakeHostPortOrUrls() {
        assertThat(EtcdClient.Target.parse("127.0.0.1:2379", "x"))
                .isEqualTo(new EtcdClient.Target("127.0.0.1", 2379, false));
        assertThat(EtcdClient.Target.parse("https://[::1]:2379/", "x"))
                .isEqualTo(new EtcdClient.Target("::1", 2379, true));
        assertThatThrownBy(() -> EtcdClient.Target.parse("http://h:99999", "--peers"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--peers");
        assertThat(EtcdClient.split("a:1, ,b:2,")).containsExactly("a:1", "b:2");
    }

    @Test
    void txnLinesParseAsEtcdctlWritesThem() {
        Compare c = TxnParser.compare("value(\"k 1\") != \"a \\\"b\\\"\"");
        assertThat(c.getTarget()).isEqualTo(Compare.CompareTarget.VALUE);
        assertThat(c.getResult()).isEqualTo(Compare.CompareResult.NOT_EQUAL);
        assertThat(c.getKey().toStringUtf8()).isEqualTo("k 1");
        assertThat(c.getValue().toStringUtf8()).isEqualTo("a \"b\"");
        assertThat(TxnParser.compare("mod(\"k\") > \"7\"").getModRevision()).isEqualTo(7);
        assertThat(TxnParser.compare("version(\"k\") < \"2\"").getVersion()).isEqualTo(2);
        assertThat(TxnParser.compare("create(\"k\") = \"0\"").getTarget())
                .isEqualTo(Compare.CompareTarget.CREATE);
        assertThat(TxnParser.compare("lease(\"k\") = \"1f\"").getLease()).isEqualTo(31);

        RequestOp put = TxnParser.op("put k \"two words\"");
        assertThat(put.getRequestPut().getValue().toStringUtf8()).isEqualTo("two words");
        RequestOp get = TxnParser.op("get /p/ --prefix");
        assertThat(get.getRequestRange().getRangeEnd().toStringUtf8()).isEqualTo("/p0");
        RequestOp del = TxnParser.op("del a c");
        assertThat(del.getRequestDeleteRange().getRangeEnd().toStringUtf8()).isEqualTo("c");

        assertThatThrownBy(() -> TxnParser.compare("value(\"k\") ~ \"v\""))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not an operator");
        assertThatThrownBy(() -> TxnParser.compare("size(\"k\") = \"1\""))
                .hasMessageContaining("not a compare target");
        assertThatThrownBy(() -> TxnParser.compare("mod(\"k\") = \"x\""))
                .hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> TxnParser.op("put k")).hasMessageContaining("put KEY VALUE");
        assertThatThrownBy(() -> TxnParser.op("cas k v")).hasMessageContaining("not an operation");
        assertThatThrownBy(() -> TxnParser.op("put k \"open")).hasMessageContaining("not closed");
    }

    @Test
    void jsonHasProtoNamesBase64BytesAndNoDefaults() {
        KeyValue kv = KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("a"))
                .setValue(ByteString.copyFromUtf8("b")).setModRevision(5).build();
        assertThat(ProtoJson.of(kv)).isEqualTo("{\"key\":\"YQ==\",\"mod_revision\":5,"
                + "\"value\":\"Yg==\"}");
        assertThat(ProtoJson.of(List.of(kv, KeyValue.getDefaultInstance())))
                .endsWith(",{}]");
        StringBuilder b = new StringBuilder();
        ProtoJson.string(b, "q\"\n\u0001");
        assertThat(b.toString()).isEqualTo("\"q\\\"\\n\\u0001\"");
    }

    @Test
    void aJoinedMemberTakesItsIdentityFromTheMemberAddAnswer() {
        MemberOptions o = new MemberOptions();
        o.name = "n4";
        o.dataDir = Path.of("target/n4");
        o.initialAdvertisePeerUrls = "http://127.0.0.1:23821";
        MemberAddResponse added = MemberAddResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setClusterId(77).setMemberId(1))
                .setMember(Member.newBuilder().setID(4).addPeerURLs("http://127.0.0.1:23821")
                        .setIsLearner(true))
                .addMembers(Member.newBuilder().setID(1).addPeerURLs("http://127.0.0.1:23791"))
                .addMembers(Member.newBuilder().setID(2).addPeerURLs("http://127.0.0.1:23801"))
                .addMembers(Member.newBuilder().setID(4).addPeerURLs("http://127.0.0.1:23821"))
                .build();
        MemberIdentity id = Join.identity(o.resolve(), added);
        assertThat(id.clusterId()).isEqualTo(77);
        assertThat(id.memberId()).isEqualTo(4);
        assertThat(id.name()).isEqualTo("n4");
        assertThat(id.founding()).isFalse();
        assertThat(id.peers()).containsOnlyKeys(1L, 2L, 4L);
        assertThat(id.peers().get(2L).port()).isEqualTo(23801);
        assertThatThrownBy(() -> Join.identity(o.resolve(), MemberAddResponse
                .getDefaultInstance())).isInstanceOf(ClientException.class)
                .hasMessageContaining("no cluster id or member id");
    }

    @Test
    void benchPercentilesAreNearestRank() {
        long[] ms = new long[1000];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = (i + 1) * 1_000_000L;
        }
        assertThat(BenchReport.percentile(ms, 0.5)).isEqualTo(500.0);
        assertThat(BenchReport.percentile(ms, 0.99)).isEqualTo(990.0);
        assertThat(BenchReport.percentile(ms, 0.999)).isEqualTo(999.0);
        assertThat(BenchReport.percentile(new long[0], 0.5)).isZero();
        BenchReport r = BenchReport.of("put", 1000, 4, 1, 8, 16, 2_000_000_000L,
                new long[][] {ms}, 0, List.of());
        assertThat(r.requestsPerSecond()).isEqualTo(500.0);
        assertThat(r.text()).contains("500.0 requests/s", "p99.9 999.00", "max 1000.00");
        assertThat(r.json()).contains("\"requests_per_second\":500.0", "\"p99_9\":999.000");
    }
}
