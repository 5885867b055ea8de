package io.katd.agent;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.katd.proto.etcd.etcdserverpb.WatchCreateRequest;
import io.katd.proto.etcd.etcdserverpb.WatchRequest;
import io.katd.proto.etcd.etcdserverpb.WatchResponse;
import io.katd.proto.etcd.mvccpb.Event;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code katd ctl watch}: prints the events on a key or prefix as etcdctl does (type, key,
 * value; with --prev-kv the previous key and value after the type) until interrupted, or
 * until --max-events events. A line {@code watching KEY} on stderr says the watch is set.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Prints the events on a key, a range or a prefix until interrupted.")
final class CtlWatch implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "RANGE_END")
    String rangeEnd;

    @Option(names = "--prefix", description = "watch every key with the prefix KEY")
    boolean prefix;

    @Option(names = "--rev", paramLabel = "REVISION", description = "from this revision")
    long revision;

    @Option(names = "--prev-kv", description = "print each event's previous key-value")
    boolean prevKv;

    @Option(names = "--max-events", paramLabel = "N",
            description = "stop after N events (default: until interrupted)")
    long maxEvents;

    @Override
    public Integer call() throws InterruptedException {
        CtlCommand ctl = CtlCommand.of(spec);
        if (revision < 0 || maxEvents < 0) {
            throw new ConfigException("watch: --rev and --max-events must not be negative");
        }
        boolean json = ctl.json();
        PrintWriter out = spec.commandLine().getOut();
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicLong seen = new AtomicLong();
        try (EtcdClient c = ctl.connect()) {
            StreamObserver<WatchRequest> requests = c.watch().watch(
                    new StreamObserver<>() {
                        @Override
                        public void onNext(WatchResponse r) {
                            if (r.getCreated()) {
                                spec.commandLine().getErr().println("watching " + key);
                                spec.commandLine().getErr().flush();
                            }
                            if (r.getCanceled()) {
                                done.completeExceptionally(new ClientException("watch canceled"
                                        + " by the server: " + r.getCancelReason()));
                                return;
                            }
                            if (json && r.getEventsCount() > 0) {
                                out.println(ProtoJson.of(r));
                            }
                            for (Event e : r.getEventsList()) {
                                if (!json) {
                                    print(out, e);
                                }
                                if (maxEvents > 0 && seen.incrementAndGet() >= maxEvents) {
                                    break;
                                }
                            }
                            out.flush();
                            if (maxEvents > 0 && seen.get() >= maxEvents) {
                                done.complete(null);
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            done.completeExceptionally(t);
                        }

                        @Override
                        public void onCompleted() {
                            done.complete(null);
                        }
                    });
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest
                    .newBuilder().setKey(CtlKv.bytes(key))
                    .setRangeEnd(CtlKv.rangeEnd(key, rangeEnd, prefix, "watch"))
                    .setStartRevision(revision).setPrevKv(prevKv)).build());
            try {
                done.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StatusRuntimeException s) {
                    throw new ClientException("watch ended: " + EtcdClient.describe(s), s);
                }
                throw new ClientException("watch ended: " + e.getCause().getMessage(), e);
            } finally {
                requests.onCompleted();
            }
        }
        return Katd.OK;
    }

    private void print(PrintWriter out, Event e) {
        out.println(e.getType() == Event.EventType.PUT ? "PUT" : "DELETE");
        if (prevKv && e.hasPrevKv()) {
            CtlKv.printKv(out, e.getPrevKv(), false);
        }
        out.println(e.getKv().getKey().toStringUtf8());
        if (e.getType() == Event.EventType.PUT) {
            out.println(e.getKv().getValue().toStringUtf8());
        }
    }
}
