package io.katd.raft.transport;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.Entry;
import io.katd.proto.raft.Message;
import io.katd.proto.raft.MessageType;
import io.katd.raft.SnapshotStatus;
import io.katd.raft.node.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Throughput between two NettyTransports on 127.0.0.1: node 1 sends, node 2 counts. The
 * sending thread plays the raft thread: it sends batches and keeps at most a window of
 * messages in flight, so that the numbers measure the transport rather than its drops.
 * Each workload runs once to warm up, then {@code --runs} times for {@code --seconds}.
 *
 * <p>Run it with {@code bin/bench-transport [--seconds S] [--runs R] [--workload NAME]}.
 */
final class TransportBenchmark {

    /** One kind of traffic. */
    private record Workload(String name, int payloadBytes, int batch, int window) {}

    private record Result(double messagesPerSecond, double megabytesPerSecond, long dropped) {}

    /** Node 2's side: counts what arrives. */
    private static final class Counter implements Transport.Inbound {
        final AtomicLong messages = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        // Messages the sending thread handed to node 1's transport; that thread only.
        long handed;

        @Override
        public boolean receive(Message m) {
            bytes.addAndGet(m.getSerializedSize());
            messages.incrementAndGet();
            return true;
        }

        @Override
        public void reportUnreachable(long peerId) {}

        @Override
        public void reportSnapshot(long peerId, SnapshotStatus status) {}
    }

    private TransportBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = intArg(args, "--seconds", 5);
        int runs = intArg(args, "--runs", 5);
        List<Workload> workloads = List.of(
                new Workload("heartbeat", 0, 64, 2_048),
                new Workload("append-64KiB", 64 << 10, 8, 64));
        System.out.printf("raft-transport throughput, 127.0.0.1, %d cores, load %s%n",
                Runtime.getRuntime().availableProcessors(), loadAverage());
        System.out.printf("%d run(s) of %d s per workload, after one warm-up run%n%n", runs,
                seconds);
        String only = stringArg(args, "--workload", "");
        for (Workload w : workloads) {
            if (only.isEmpty() || only.equals(w.name())) {
                measure(w, seconds, runs);
            }
        }
        System.out.printf("load at the end: %s%n", loadAverage());
    }

    private static void measure(Workload w, int seconds, int runs) throws Exception {
        List<Result> results = new ArrayList<>();
        try (Transports transports = new Transports()) {
            NettyTransport sender = transports.create(1, b -> b.ioThreads(1));
            NettyTransport receiver = transports.create(2, b -> b.ioThreads(1));
            Counter counter = new Counter();
            sender.setPeers(Map.of(2L, receiver.localAddress()));
            sender.start(new Counter());
            // The receiver's counter also tracks what the sender handed over.
            receiver.start(counter);
            NettyTransportTest.awaitConnected(sender, 1);
            run(w, sender, counter, Math.max(1, seconds / 2));
            for (int i = 0; i < runs; i++) {
                Result r = run(w, sender, counter, seconds);
                results.add(r);
                System.out.printf("%-13s run %d: %,12.0f msg/s %9.1f MB/s  (%d dropped)%n",
                        w.name(), i + 1, r.messagesPerSecond(), r.megabytesPerSecond(),
                        r.dropped());
            }
        }
        summarize(w, results);
    }

    private static Result run(Workload w, NettyTransport sender, Counter counter, int seconds) {
        List<Message> batch = batch(w);
        long droppedBefore = sender.stats().messagesDropped();
        long messagesBefore = counter.messages.get();
        long bytesBefore = counter.bytes.get();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        while (System.nanoTime() - end < 0) {
            // Counted since the transport started, so that what an earlier run left in
            // flight still counts against the window.
            long inFlight = counter.handed - sender.stats().messagesDropped()
                    - counter.messages.get();
            if (inFlight + batch.size() > w.window()) {
                // The window is full: let the event loops catch up.
                LockSupport.parkNanos(20_000);
                continue;
            }
            sender.send(batch);
            counter.handed += batch.size();
        }
        long elapsed = System.nanoTime() - start;
        double secs = elapsed / 1e9;
        long messages = counter.messages.get() - messagesBefore;
        long bytes = counter.bytes.get() - bytesBefore;
        return new Result(messages / secs, bytes / secs / 1e6,
                sender.stats().messagesDropped() - droppedBefore);
    }

    private static List<Message> batch(Workload w) {
        List<Message> out = new ArrayList<>();
        byte[] payload = new byte[w.payloadBytes()];
        new SplittableRandom(1).nextBytes(payload);
        ByteString data = ByteString.copyFrom(payload);
        for (int i = 0; i < w.batch(); i++) {
            Message.Builder m = Message.newBuilder().setFrom(1).setTo(2).setTerm(7)
                    .setCommit(1_000 + i);
            if (w.payloadBytes() == 0) {
                m.setType(MessageType.MsgHeartbeat);
            } else {
                m.setType(MessageType.MsgApp).setIndex(1_000 + i).setLogTerm(7)
                        .addEntries(Entry.newBuilder().setTerm(7).setIndex(1_001 + i)
                                .setData(data));
            }
            out.add(m.build());
        }
        return out;
    }

    private static void summarize(Workload w, List<Result> results) {
        List<Double> mps = new ArrayList<>();
        for (Result r : results) {
            mps.add(r.messagesPerSecond());
        }
        Collections.sort(mps);
        double best = mps.get(mps.size() - 1);
        double median = mps.get(mps.size() / 2);
        double worst = mps.get(0);
        int bytes = batch(w).get(0).getSerializedSize();
        System.out.printf("%-13s (%,d B/msg) best %,.0f msg/s (%.1f MB/s), median %,.0f,"
                + " worst %,.0f, spread %.0f%%%n%n", w.name(), bytes, best, best * bytes / 1e6,
                median, worst, 100 * (best - worst) / best);
    }

    private static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(stringArg(args, name, Integer.toString(fallback)));
    }

    private static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
