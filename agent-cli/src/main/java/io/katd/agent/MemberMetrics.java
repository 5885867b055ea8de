package io.katd.agent;

import com.google.protobuf.ByteString;
import io.katd.kv.mvcc.RangeRequest;
import io.katd.kv.sm.KvStateMachine;
import io.katd.raft.StateType;
import io.katd.raft.Status;
import io.katd.raft.node.RaftNode;
import io.katd.raft.transport.NettyTransport;
import io.katd.raft.transport.TransportStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/** The figures a member exposes on /metrics, read from its parts at scrape time. */
final class MemberMetrics {
    private MemberMetrics() {}

    static void register(Metrics m, RaftNode<?> node, KvStateMachine sm,
            NettyTransport transport, Path dataDir) {
        m.gauge("katd_raft_term", "The current Raft term.",
                () -> node.status().hardState().getTerm());
        m.gauge("katd_raft_is_leader", "1 when this member is the leader.",
                () -> node.status().softState().raftState() == StateType.LEADER ? 1 : 0);
        m.gauge("katd_raft_has_leader", "1 when this member knows a leader.",
                () -> node.status().softState().lead() != 0 ? 1 : 0);
        m.gauge("katd_raft_commit_index", "The highest log index known committed.",
                () -> node.status().hardState().getCommit());
        m.gauge("katd_raft_applied_index", "The highest log index applied to the store.",
                () -> node.status().applied());
        m.gauge("katd_raft_apply_lag", "Committed entries not yet applied (commit - applied).",
                () -> {
                    Status s = node.status();
                    return Math.max(0, s.hardState().getCommit() - s.applied());
                });
        m.gauge("katd_raft_last_index", "The last index of the Raft log.",
                () -> node.status().lastIndex());
        transportCounter(m, transport, "messages_sent", "Raft messages written to peers.",
                TransportStats::messagesSent);
        transportCounter(m, transport, "messages_dropped",
                "Raft messages dropped before reaching a peer.", TransportStats::messagesDropped);
        transportCounter(m, transport, "messages_received", "Raft messages received.",
                TransportStats::messagesReceived);
        transportCounter(m, transport, "connections_established",
                "Outgoing peer connections whose handshake succeeded.",
                TransportStats::connectionsEstablished);
        transportCounter(m, transport, "connections_rejected",
                "Peer connections closed for a handshake mismatch or a protocol violation.",
                TransportStats::connectionsRejected);
        transportCounter(m, transport, "snapshots_sent", "Snapshots sent and installed.",
                TransportStats::snapshotsSent);
        transportCounter(m, transport, "snapshots_received", "Snapshots received and installed.",
                TransportStats::snapshotsReceived);
        Metrics.Histogram roundTrips = m.histogram("katd_network_peer_round_trip_time_seconds",
                "Round trips of probes on the outgoing Raft streams to every peer.", 0.0001,
                0.0002, 0.0004, 0.0008, 0.0016, 0.0032, 0.0064, 0.0128, 0.0256, 0.0512, 0.1024,
                0.2048, 0.4096, 0.8192);
        transport.addRoundTripListener((peer, nanos) -> roundTrips.observeNanos(nanos));
        m.gauge("katd_kv_keys", "Keys in the store.", () -> keys(sm));
        m.gauge("katd_kv_revision", "The store's current revision.", sm::currentRevision);
        m.gauge("katd_kv_watchers", "Open watches on this member.",
                () -> sm.watchHub().watcherCount());
        m.gauge("katd_db_size_bytes", "Bytes on disk of the store's database.",
                () -> directoryBytes(dataDir.resolve("kv")));
        m.gauge("katd_wal_size_bytes", "Bytes on disk of the Raft log.",
                () -> directoryBytes(dataDir.resolve(Member.RAFT_DIR)));
    }

    private static void transportCounter(Metrics m, NettyTransport t, String name, String help,
            ToLongFunction<TransportStats> value) {
        m.counter("katd_transport_" + name + "_total", help,
                () -> value.applyAsLong(t.stats()));
    }

    private static long keys(KvStateMachine sm) {
        RangeRequest all = RangeRequest.prefix(ByteString.EMPTY);
        try {
            return sm.range(new RangeRequest(all.key(), all.rangeEnd(), 0, 0,
                    RangeRequest.SortTarget.KEY,
                    RangeRequest.SortOrder.NONE, false, true)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long directoryBytes(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
