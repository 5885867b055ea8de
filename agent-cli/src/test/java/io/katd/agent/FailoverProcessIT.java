package io.katd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.katd.proto.etcd.etcdserverpb.KVGrpc;
import io.katd.proto.etcd.etcdserverpb.PutRequest;
import io.katd.proto.etcd.etcdserverpb.RangeRequest;
import io.katd.proto.etcd.etcdserverpb.RangeResponse;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the leader while a client streams puts: a new leader within three seconds,
 * every acknowledged put readable afterwards, and the killed member catches up after a
 * restart.
 */
class FailoverProcessIT {
    private static final long FAILOVER_MILLIS_MAX = 3_000;
    private static final int PUTS_BEFORE_KILL = 30;
    private static final int PUTS_AFTER_FAILOVER = 30;

    @TempDir
    Path tmp;

    /** Puts /f/<i> = <i> in order through the given members, recording what is acknowledged. */
    static final class Writer implements Runnable {
        final Map<Integer, String> acknowledged = new ConcurrentSkipListMap<>();
        final AtomicBoolean stop = new AtomicBoolean();
        private final List<KVGrpc.KVBlockingStub> members;

        Writer(List<ManagedChannel> channels) {
            this.members = channels.stream().map(KVGrpc::newBlockingStub).toList();
        }

        @Override
        public void run() {
            int i = 0;
            int turn = 0;
            while (!stop.get()) {
                KVGrpc.KVBlockingStub kv = members.get(turn++ % members.size());
                try {
                    kv.withDeadlineAfter(2, TimeUnit.SECONDS).put(PutRequest.newBuilder()
                            .setKey(ByteString.copyFromUtf8("/f/" + key(i)))
                            .setValue(ByteString.copyFromUtf8("v" + i)).build());
                    acknowledged.put(i, "v" + i);
                    i++;
                } catch (StatusRuntimeException e) {
                    // Outcome unknown: not counted; the same put is sent again.
                }
            }
        }

        static String key(int i) {
            return String.format("%06d", i);
        }
    }

    @Test
    void everyAcknowledgedPutSurvivesAKillOfTheLeader() throws Exception {
        try (KatdProcesses c = new KatdProcesses(tmp, "it-puts", "n1", "n2", "n3")) {
            c.startAll();
            long leader = c.awaitLeader(c.names(), 0, Duration.ofSeconds(60));
            String old = c.nameOf(leader);
            List<String> survivors = c.names().stream().filter(n -> !n.equals(old)).toList();
            List<ManagedChannel> channels = survivors.stream().map(n -> EtcdClient.channel(
                    EtcdClient.Target.parse(c.spec(n).clientEndpoint(), "test"),
                    Optional.empty())).toList();
            Writer writer = new Writer(channels);
            Thread writing = new Thread(writer, "writer");
            writing.start();
            try {
                c.await(PUTS_BEFORE_KILL + " puts acknowledged", Duration.ofSeconds(30),
                        () -> writer.acknowledged.size() >= PUTS_BEFORE_KILL);
                long killedAt = System.nanoTime();
                c.kill(old);
                long next = c.awaitLeader(survivors, leader, Duration.ofSeconds(10));
                long failoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
                System.out.printf("new leader %s %d ms after kill -9 of leader %s, with puts"
                        + " streaming%n", MemberIds.hex(next), failoverMillis,
                        MemberIds.hex(leader));
                assertThat(failoverMillis).as("milliseconds from kill -9 to a new leader")
                        .isLessThan(FAILOVER_MILLIS_MAX);
                int atFailover = writer.acknowledged.size();
                c.await("puts acknowledged by the new leader", Duration.ofSeconds(30),
                        () -> writer.acknowledged.size() >= atFailover + PUTS_AFTER_FAILOVER);
            } finally {
                writer.stop.set(true);
                writing.join(TimeUnit.SECONDS.toMillis(10));
            }
            assertThat(writing.isAlive()).as("the writer stopped").isFalse();

            Map<Integer, String> read = read(KVGrpc.newBlockingStub(channels.get(0)), false);
            Map<Integer, String> missing = new TreeMap<>(writer.acknowledged);
            missing.keySet().removeAll(read.keySet());
            assertThat(missing).as("acknowledged puts missing from a linearizable read")
                    .isEmpty();
            writer.acknowledged.forEach((i, v) -> assertThat(read.get(i)).isEqualTo(v));

            int last = ((ConcurrentSkipListMap<Integer, String>) writer.acknowledged)
                    .lastKey();
            c.start(old);
            ManagedChannel restarted = EtcdClient.channel(EtcdClient.Target.parse(
                    c.spec(old).clientEndpoint(), "test"), Optional.empty());
            try {
                KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(restarted);
                c.await(old + " serves the last acknowledged put from its own state",
                        Duration.ofSeconds(30), () -> {
                            try {
                                return ("v" + last).equals(read(kv, true).get(last));
                            } catch (StatusRuntimeException e) {
                                return false;
                            }
                        });
            } finally {
                restarted.shutdownNow();
                channels.forEach(ManagedChannel::shutdownNow);
            }
        }
    }

    private static Map<Integer, String> read(KVGrpc.KVBlockingStub kv, boolean serializable) {
        ByteString prefix = ByteString.copyFromUtf8("/f/");
        RangeResponse r = kv.withDeadlineAfter(5, TimeUnit.SECONDS).range(RangeRequest
                .newBuilder().setKey(prefix).setRangeEnd(CtlKv.prefixEnd(prefix))
                .setSerializable(serializable).build());
        Map<Integer, String> out = new TreeMap<>();
        for (KeyValue kv2 : r.getKvsList()) {
            out.put(Integer.parseInt(kv2.getKey().toStringUtf8().substring(3)),
                    kv2.getValue().toStringUtf8());
        }
        return out;
    }
}
