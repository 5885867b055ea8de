package io.katd.agent;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.katd.proto.etcd.etcdserverpb.KVGrpc;
import io.katd.proto.etcd.etcdserverpb.PutRequest;
import io.katd.proto.etcd.etcdserverpb.RangeRequest;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code katd bench put|get|mixed}: a closed-loop load generator over the etcd v3 gRPC
 * API. Each client thread sends its share of the requests one after another over one of
 * the connections (spread over the endpoints) and records each latency; the report gives
 * requests per second and latency percentiles. get and mixed first write the key space
 * (not measured).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures throughput and latency of puts, gets or both (half each)"
                + " against a cluster serving the etcd v3 API.",
                "Keys are drawn uniformly from --key-space keys of --key-size bytes."})
final class BenchCommand implements Callable<Integer> {
    enum Workload { put, get, mixed }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "put|get|mixed", description = "the workload")
    Workload workload;

    @Option(names = "--endpoints", paramLabel = "HOST:PORT[,...]",
            defaultValue = "127.0.0.1:2379", description = "default: 127.0.0.1:2379")
    String endpoints;

    @Option(names = "--conns", paramLabel = "N",
            description = "gRPC connections (default: one per endpoint)")
    int conns;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "16",
            description = "concurrent clients (default: 16)")
    int clients;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "10000",
            description = "requests in all (default: 10000)")
    int requests;

    @Option(names = "--key-size", paramLabel = "BYTES", defaultValue = "8",
            description = "default: 8")
    int keySize;

    @Option(names = "--value-size", paramLabel = "BYTES", defaultValue = "256",
            description = "default: 256")
    int valueSize;

    @Option(names = "--key-space", paramLabel = "N", defaultValue = "1000",
            description = "distinct keys (default: 1000)")
    int keySpace;

    @Option(names = "--consistency", paramLabel = "l|s", defaultValue = "l",
            description = "gets: l linearizable (default), s serializable")
    String consistency;

    @Option(names = {"-w", "--write-out"}, paramLabel = "simple|json", defaultValue = "simple")
    String writeOut;

    @Option(names = "--command-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "timeout of each request (default: 10s)")
    String commandTimeout;

    @Mixin
    ClientTlsOptions tls;

    @Override
    public Integer call() throws InterruptedException {
        check();
        List<EtcdClient.Target> targets = EtcdClient.targets(EtcdClient.split(endpoints),
                "--endpoints");
        int connections = conns > 0 ? conns : targets.size();
        long timeoutNanos = CtlDurations.parse(commandTimeout, "--command-timeout").toNanos();
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            channels.add(EtcdClient.channel(targets.get(i % targets.size()), tls.tls()));
        }
        try {
            List<ByteString> keys = keys();
            ByteString value = ByteString.copyFrom(new byte[valueSize]);
            if (workload != Workload.put) {
                fill(KVGrpc.newBlockingStub(channels.get(0)), keys, value, timeoutNanos);
            }
            BenchReport report = run(channels, keys, value, timeoutNanos);
            PrintWriter out = spec.commandLine().getOut();
            out.println("json".equals(writeOut) ? report.json() : report.text());
            out.flush();
            return report.errors() == 0 ? Katd.OK : Katd.FAILURE;
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
        }
    }

    private void check() {
        if (clients < 1 || requests < 1 || keySize < 1 || valueSize < 0 || keySpace < 1
                || conns < 0) {
            throw new ConfigException("bench: --clients, --requests, --key-size and"
                    + " --key-space must be at least 1, --value-size and --conns at least 0");
        }
        if (!consistency.equals("l") && !consistency.equals("s")) {
            throw new ConfigException("--consistency: " + Cidrs.quote(consistency)
                    + " is not l or s");
        }
        if (!writeOut.equals("simple") && !writeOut.equals("json")) {
            throw new ConfigException("--write-out: " + Cidrs.quote(writeOut)
                    + " is not an output format (simple or json)");
        }
    }

    /** Keys of keySize bytes: the decimal index, left-padded with '0' (or cut). */
    private List<ByteString> keys() {
        List<ByteString> keys = new ArrayList<>(keySpace);
        for (int i = 0; i < keySpace; i++) {
            String s = String.format("%0" + keySize + "d", i);
            keys.add(ByteString.copyFromUtf8(s.substring(s.length() - keySize)));
        }
        return keys;
    }

    private static void fill(KVGrpc.KVBlockingStub kv, List<ByteString> keys, ByteString value,
            long timeoutNanos) {
        for (ByteString k : keys) {
            kv.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS).put(PutRequest
                    .newBuilder().setKey(k).setValue(value).build());
        }
    }

    private BenchReport run(List<ManagedChannel> channels, List<ByteString> keys,
            ByteString value, long timeoutNanos) throws InterruptedException {
        long[][] latencies = new long[clients][];
        AtomicLong errors = new AtomicLong();
        List<String> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        boolean serializable = consistency.equals("s");
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            int share = requests / clients + (c < requests % clients ? 1 : 0);
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channels.get(c % channels.size()));
            Thread t = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(client);
                long[] mine = new long[share];
                for (int i = 0; i < share; i++) {
                    ByteString k = keys.get(random.nextInt(keys.size()));
                    boolean read = workload == Workload.get
                            || (workload == Workload.mixed && random.nextBoolean());
                    long t0 = System.nanoTime();
                    try {
                        var stub = kv.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS);
                        if (read) {
                            stub.range(RangeRequest.newBuilder().setKey(k)
                                    .setSerializable(serializable).build());
                        } else {
                            stub.put(PutRequest.newBuilder().setKey(k).setValue(value).build());
                        }
                    } catch (StatusRuntimeException e) {
                        if (errors.incrementAndGet() <= 3) {
                            firstErrors.add(EtcdClient.describe(e));
                        }
                    }
                    mine[i] = System.nanoTime() - t0;
                }
                latencies[client] = mine;
            }, "bench-client-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long elapsed = System.nanoTime() - start;
        return BenchReport.of(workload.name(), requests, clients, channels.size(), keySize,
                valueSize, elapsed, latencies, errors.get(), firstErrors);
    }
}
