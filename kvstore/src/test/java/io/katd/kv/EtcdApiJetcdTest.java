package io.katd.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.katd.proto.etcd.etcdserverpb.ClusterGrpc;
import io.katd.proto.etcd.etcdserverpb.LeaseGrpc;
import io.katd.proto.etcd.etcdserverpb.LeaseLeasesRequest;
import io.katd.proto.etcd.etcdserverpb.MemberPromoteRequest;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * jetcd against three members serving the etcd v3 API on 127.0.0.1. Every request type is
 * sent to the leader (member 1) and to a follower (member 2 or 3). Keys are unique per
 * test, so the tests share one cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdApiJetcdTest {
    private EtcdApiCluster cluster;
    private Client leader;
    private Client follower;
    private Client follower3;

    @BeforeAll
    void start(@TempDir Path dir) {
        cluster = new EtcdApiCluster(11, dir);
        leader = Client.builder().endpoints(cluster.endpoint(1)).build();
        follower = Client.builder().endpoints(cluster.endpoint(2)).build();
        follower3 = Client.builder().endpoints(cluster.endpoint(3)).build();
    }

    @AfterAll
    void stop() {
        for (Client c : List.of(leader, follower, follower3)) {
            c.close();
        }
        channels.values().forEach(ManagedChannel::shutdownNow);
        cluster.close();
    }

    static ByteSequence b(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static String s(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void putGetDeleteWithPrefixOnLeaderAndFollower() {
        for (Client c : List.of(leader, follower)) {
            String p = "/pgd-" + (c == leader ? "l" : "f") + "/";
            Waits.get(c.getKVClient().put(b(p + "a"), b("1")));
            Waits.get(c.getKVClient().put(b(p + "b"), b("2")));
            var prev = Waits.get(c.getKVClient().put(b(p + "a"), b("3"),
                    PutOption.builder().withPrevKV().build()));
            assertThat(s(prev.getPrevKv().getValue())).isEqualTo("1");
            GetResponse all = Waits.get(c.getKVClient().get(b(p),
                    GetOption.builder().isPrefix(true).build()));
            assertThat(all.getKvs()).extracting(kv -> s(kv.getValue())).containsExactly("3", "2");
            assertThat(all.getHeader().getMemberId()).isEqualTo(c == leader ? 1 : 2);
            assertThat(all.getHeader().getRevision()).isGreaterThan(0);
            var deleted = Waits.get(c.getKVClient().delete(b(p),
                    DeleteOption.builder().isPrefix(true).withPrevKV(true).build()));
            assertThat(deleted.getDeleted()).isEqualTo(2);
            assertThat(deleted.getPrevKvs()).extracting(kv -> s(kv.getKey()))
                    .containsExactly(p + "a", p + "b");
            assertThat(Waits.get(c.getKVClient().get(b(p), GetOption.builder().isPrefix(true)
                    .build())).getKvs()).isEmpty();
        }
    }

    @Test
    void rangeOptions() {
        String p = "/ro/";
        long first = 0;
        for (String k : List.of("a", "b", "c", "d")) {
            long rev = Waits.get(leader.getKVClient().put(b(p + k), b("v" + k)))
                    .getHeader().getRevision();
            first = first == 0 ? rev : first;
        }
        Waits.get(leader.getKVClient().put(b(p + "a"), b("va2")));
        GetOption.Builder prefix = GetOption.builder().isPrefix(true);
        GetResponse limited = Waits.get(follower.getKVClient().get(b(p), prefix.withLimit(2)
                .withSortOrder(GetOption.SortOrder.DESCEND)
                .withSortField(GetOption.SortTarget.KEY).build()));
        assertThat(limited.getKvs()).extracting(kv -> s(kv.getKey()))
                .containsExactly(p + "d", p + "c");
        assertThat(limited.isMore()).isTrue();
        assertThat(limited.getCount()).isEqualTo(4);
        GetResponse count = Waits.get(follower.getKVClient().get(b(p), GetOption.builder()
                .isPrefix(true).withCountOnly(true).build()));
        assertThat(count.getCount()).isEqualTo(4);
        assertThat(count.getKvs()).isEmpty();
        GetResponse keys = Waits.get(follower.getKVClient().get(b(p), GetOption.builder()
                .isPrefix(true).withKeysOnly(true).withSerializable(true).build()));
        assertThat(keys.getKvs()).hasSize(4).allMatch(kv -> kv.getValue().isEmpty());
        GetResponse old = Waits.get(follower.getKVClient().get(b(p + "a"), GetOption.builder()
                .withRevision(first).build()));
        assertThat(s(old.getKvs().get(0).getValue())).isEqualTo("va");
        GetResponse modFiltered = Waits.get(follower.getKVClient().get(b(p), GetOption.builder()
                .isPrefix(true).withMinModRevision(first + 2).build()));
        assertThat(modFiltered.getKvs()).extracting(kv -> s(kv.getKey()))
                .containsExactly(p + "a", p + "c", p + "d");
        GetResponse createFiltered = Waits.get(leader.getKVClient().get(b(p), GetOption
                .builder().isPrefix(true).withMaxCreateRevision(first + 1).withLimit(1).build()));
        assertThat(createFiltered.getKvs()).extracting(kv -> s(kv.getKey()))
                .containsExactly(p + "a");
        assertThat(createFiltered.isMore()).isTrue();
    }

    @Test
    void txnOnFollower() {
        ByteSequence k = b("/txn/k");
        Waits.get(leader.getKVClient().put(k, b("x")));
        TxnResponse ok = Waits.get(follower.getKVClient().txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(b("x"))))
                .Then(Op.put(k, b("y"), PutOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT)).commit());
        assertThat(ok.isSucceeded()).isTrue();
        assertThat(ok.getPutResponses()).hasSize(1);
        TxnResponse no = Waits.get(follower.getKVClient().txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(b("x"))))
                .Then(Op.put(k, b("z"), PutOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT)).commit());
        assertThat(no.isSucceeded()).isFalse();
        assertThat(s(no.getGetResponses().get(0).getKvs().get(0).getValue())).isEqualTo("y");
    }

    @Test
    void watchWithPrevKvAndCancel() throws Exception {
        for (Client c : List.of(leader, follower3)) {
            String p = "/watch-" + (c == leader ? "l" : "f") + "/";
            long start = Waits.get(leader.getKVClient().put(b(p + "a"), b("1"))).getHeader()
                    .getRevision();
            LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
            Watch.Watcher w = c.getWatchClient().watch(b(p), WatchOption.builder()
                    .isPrefix(true).withPrevKV(true).withRevision(start).build(),
                    Watch.listener(r -> events.addAll(r.getEvents())));
            Waits.get(leader.getKVClient().put(b(p + "a"), b("2")));
            Waits.get(leader.getKVClient().delete(b(p + "a")));
            WatchEvent e1 = take(events);
            WatchEvent e2 = take(events);
            WatchEvent e3 = take(events);
            assertThat(e1.getEventType()).isEqualTo(WatchEvent.EventType.PUT);
            assertThat(s(e1.getKeyValue().getValue())).isEqualTo("1");
            assertThat(s(e2.getPrevKV().getValue())).isEqualTo("1");
            assertThat(e3.getEventType()).isEqualTo(WatchEvent.EventType.DELETE);
            assertThat(s(e3.getPrevKV().getValue())).isEqualTo("2");
            w.close();
            // After the cancel, a new event reaches a second watcher but not the first.
            LinkedBlockingQueue<WatchEvent> second = new LinkedBlockingQueue<>();
            Watch.Watcher w2 = c.getWatchClient().watch(b(p), WatchOption.builder()
                    .isPrefix(true).build(), Watch.listener(r -> second.addAll(r.getEvents())));
            Waits.get(leader.getKVClient().put(b(p + "b"), b("3")));
            long deadline = System.nanoTime() + Waits.TIMEOUT.toNanos();
            WatchEvent late;
            do {
                late = second.poll(10, TimeUnit.MILLISECONDS);
                if (late == null) {
                    // The watch may have registered after the put: put again.
                    Waits.get(leader.getKVClient().put(b(p + "b"), b("3")));
                }
            } while (late == null && System.nanoTime() < deadline);
            assertThat(late).isNotNull();
            assertThat(events).isEmpty();
            w2.close();
        }
    }

    @Test
    void watchFromCompactedRevisionIsCanceled() {
        long r1 = Waits.get(leader.getKVClient().put(b("/wc/a"), b("1"))).getHeader()
                .getRevision();
        long r2 = Waits.get(leader.getKVClient().put(b("/wc/a"), b("2"))).getHeader()
                .getRevision();
        Waits.get(leader.getKVClient().compact(r2));
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        Watch.Watcher w = follower.getWatchClient().watch(b("/wc/a"), WatchOption.builder()
                .withRevision(r1).build(), Watch.listener(r -> { }, error::complete));
        Throwable t = Waits.get(error);
        assertThat(t).isInstanceOf(CompactedException.class);
        assertThat(((CompactedException) t).getCompactedRevision()).isEqualTo(r2);
        w.close();
        // A range at the compacted revision fails with etcd's error.
        Throwable range = Waits.failure(follower.getKVClient().get(b("/wc/a"),
                GetOption.builder().withRevision(r1).build()));
        assertThat(range).hasMessageContaining(
                "etcdserver: mvcc: required revision has been compacted");
    }

    @Test
    void leaseGrantKeepAliveTimeToLiveRevokeAndExpiry() {
        for (Client c : List.of(leader, follower)) {
            long id = Waits.get(c.getLeaseClient().grant(30)).getID();
            Waits.get(c.getKVClient().put(b("/lease/" + id), b("v"), PutOption.builder()
                    .withLeaseId(id).build()));
            LeaseKeepAliveResponse ka = Waits.get(c.getLeaseClient().keepAliveOnce(id));
            assertThat(ka.getTTL()).isEqualTo(30);
            var ttl = Waits.get(c.getLeaseClient().timeToLive(id, LeaseOption.builder()
                    .withAttachedKeys().build()));
            assertThat(ttl.getGrantedTTL()).isEqualTo(30);
            assertThat(ttl.getTTL()).isBetween(1L, 30L);
            assertThat(ttl.getKeys()).extracting(EtcdApiJetcdTest::s)
                    .containsExactly("/lease/" + id);
            assertThat(LeaseGrpc.newBlockingStub(channel(c == leader ? 1 : 2))
                    .leaseLeases(LeaseLeasesRequest.getDefaultInstance()).getLeasesList())
                    .anyMatch(l -> l.getID() == id);
            Waits.get(c.getLeaseClient().revoke(id));
            assertThat(Waits.get(c.getKVClient().get(b("/lease/" + id))).getKvs()).isEmpty();
            assertThat(Waits.get(c.getLeaseClient().timeToLive(id, LeaseOption.DEFAULT))
                    .getTTL()).isEqualTo(-1);
            Throwable missing = Waits.failure(c.getLeaseClient().revoke(id));
            assertThat(missing).hasMessageContaining("etcdserver: requested lease not found");
        }
        // Expiry: the leader's lease clock passes the TTL and the key goes.
        long id = Waits.get(follower.getLeaseClient().grant(5)).getID();
        Waits.get(follower.getKVClient().put(b("/lease/exp"), b("v"), PutOption.builder()
                .withLeaseId(id).build()));
        LinkedBlockingQueue<LeaseKeepAliveResponse> kas = new LinkedBlockingQueue<>();
        var keeper = follower.getLeaseClient().keepAlive(id, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse r) {
                kas.add(r);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        Waits.until("a keep-alive response", () -> !kas.isEmpty());
        keeper.close();
        cluster.kv.leaseClocks.get(1L).advance(Duration.ofSeconds(60));
        Waits.until("the leased key expired", () -> Waits.get(follower.getKVClient()
                .get(b("/lease/exp"))).getKvs().isEmpty());
    }

    @Test
    void members() throws Exception {
        List<Member> members = Waits.get(follower.getClusterClient().listMember()).getMembers();
        assertThat(members).extracting(Member::getId).containsExactly(1L, 2L, 3L);
        assertThat(members.get(1).getName()).isEqualTo("member-2");
        assertThat(members.get(1).getClientURIs()).containsExactly(
                URI.create(cluster.endpoint(2)));
        // Added through a follower: forwarded to the leader.
        var added = Waits.get(follower.getClusterClient().addMember(
                List.of(URI.create("http://127.0.0.1:39999")), true));
        long id = added.getMember().getId();
        assertThat(id).isNotIn(0L, 1L, 2L, 3L);
        Waits.until("the learner is listed everywhere", () -> Waits.get(follower3
                .getClusterClient().listMember()).getMembers().stream()
                .anyMatch(m -> m.getId() == id && m.isLearner()));
        Throwable dup = Waits.failure(leader.getClusterClient().addMember(
                List.of(URI.create("http://127.0.0.1:39999")), true));
        assertThat(dup).hasMessageContaining("etcdserver: Peer URLs already exists");
        // The learner never runs, so it is never in sync: promotion is refused.
        ManagedChannel ch = channel(3);
        {
            StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    StatusRuntimeException.class, () -> ClusterGrpc.newBlockingStub(ch)
                            .withDeadlineAfter(30, TimeUnit.SECONDS)
                            .memberPromote(MemberPromoteRequest.newBuilder().setID(id).build()));
            assertThat(refused.getStatus().getDescription()).isEqualTo("etcdserver: can only"
                    + " promote a learner member which is in sync with leader");
            StatusRuntimeException voter = org.junit.jupiter.api.Assertions.assertThrows(
                    StatusRuntimeException.class, () -> ClusterGrpc.newBlockingStub(ch)
                            .memberPromote(MemberPromoteRequest.newBuilder().setID(2).build()));
            assertThat(voter.getStatus().getDescription())
                    .isEqualTo("etcdserver: can only promote a learner member");
        }
        Waits.get(follower.getClusterClient().updateMember(id,
                List.of(URI.create("http://127.0.0.1:39998"))));
        Waits.get(follower3.getClusterClient().removeMember(id));
        assertThat(Waits.get(leader.getClusterClient().listMember()).getMembers())
                .extracting(Member::getId).containsExactly(1L, 2L, 3L);
        Throwable gone = Waits.failure(leader.getClusterClient().removeMember(id));
        assertThat(gone).hasMessageContaining("etcdserver: member not found");
        // A member that never published its peer URLs could not be reached by a new one.
        var record3 = io.katd.kv.etcd.MemberRecords.local(cluster.kv.machine(1), 3)
                .orElseThrow();
        long cleared = Waits.get(cluster.kv.store(1).put(io.katd.kv.etcd.MemberRecords.key(3),
                record3.toBuilder().clearPeerUrls().build().toByteString()));
        Waits.until("the leader applied the record without peer URLs", () ->
                cluster.kv.machine(1).currentRevision() >= cleared);
        Throwable notStarted = Waits.failure(leader.getClusterClient().addMember(
                List.of(URI.create("http://127.0.0.1:39997")), true));
        assertThat(notStarted).hasMessageContaining("etcdserver: re-configuration failed due"
                + " to not enough started members");
        long restored = Waits.get(cluster.kv.store(1).put(io.katd.kv.etcd.MemberRecords.key(3),
                record3.toByteString()));
        Waits.until("every member applied the restored record", () -> java.util.Arrays.stream(
                KvCluster.IDS).allMatch(m -> cluster.kv.machine(m).currentRevision()
                        >= restored));
    }

    @Test
    void statusSnapshotHashAndMoveLeaderOnFollower() throws Exception {
        Waits.get(leader.getKVClient().put(b("/status/k"), b("v")));
        var st = Waits.get(follower.getMaintenanceClient().statusMember(cluster.endpoint(2)));
        assertThat(st.getLeader()).isEqualTo(1);
        assertThat(st.getRaftIndex()).isGreaterThan(0);
        assertThat(st.getRaftTerm()).isGreaterThan(0);
        assertThat(st.getVersion()).startsWith("3.4");
        assertThat(st.getHeader().getClusterId()).isEqualTo(EtcdApiCluster.CLUSTER_ID);
        ByteArrayOutputStream snap = new ByteArrayOutputStream();
        long size = Waits.get(follower.getMaintenanceClient().snapshot(snap));
        byte[] bytes = snap.toByteArray();
        assertThat(size).isEqualTo(bytes.length).isGreaterThan(32);
        byte[] body = Arrays.copyOf(bytes, bytes.length - 32);
        byte[] sum = Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length);
        assertThat(MessageDigest.getInstance("SHA-256").digest(body)).isEqualTo(sum);
        long rev = Waits.get(leader.getKVClient().get(b("/status/k"))).getHeader().getRevision();
        Waits.until("followers applied " + rev, () -> cluster.kv.machine(2).currentRevision()
                >= rev && cluster.kv.machine(3).currentRevision() >= rev);
        int h1 = Waits.get(leader.getMaintenanceClient().hashKV(cluster.endpoint(1), rev))
                .getHash();
        int h3 = Waits.get(follower3.getMaintenanceClient().hashKV(cluster.endpoint(3), rev))
                .getHash();
        assertThat(h1).isEqualTo(h3);
        Throwable notLeader = Waits.failure(follower.getMaintenanceClient().moveLeader(3));
        assertThat(notLeader).hasMessageContaining("etcdserver: not leader");
    }

    @Test
    void errors() {
        long current = Waits.get(leader.getKVClient().put(b("/err/k"), b("v"))).getHeader()
                .getRevision();
        Throwable future = Waits.failure(follower.getKVClient().get(b("/err/k"),
                GetOption.builder().withRevision(current + 1000).build()));
        assertThat(future).hasMessageContaining(
                "etcdserver: mvcc: required revision is a future revision");
        // Above the 1.5 MiB request limit, below the gRPC message limit (4 MiB).
        for (byte[] big : List.of(new byte[1600 * 1024], new byte[2 * 1024 * 1024])) {
            for (Client c : List.of(leader, follower)) {
                Throwable tooLarge = Waits.failure(c.getKVClient().put(b("/err/big"),
                        ByteSequence.from(big)));
                assertThat(tooLarge).hasMessageContaining("etcdserver: request is too large");
            }
        }
        Throwable lease = Waits.failure(follower.getKVClient().put(b("/err/l"), b("v"),
                PutOption.builder().withLeaseId(123456789).build()));
        assertThat(lease).hasMessageContaining("etcdserver: requested lease not found");
        Throwable duplicate = Waits.failure(follower.getKVClient().txn().Then(
                Op.put(b("/err/d"), b("1"), PutOption.DEFAULT),
                Op.put(b("/err/d"), b("2"), PutOption.DEFAULT)).commit());
        assertThat(duplicate).hasMessageContaining(
                "etcdserver: duplicate key given in txn request");
        assertThat(Waits.get(leader.getKVClient().get(b("/err/d"))).getKvs()).isEmpty();
    }

    private final java.util.Map<Long, ManagedChannel> channels =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** A raw channel to member {@code id}, for the calls jetcd does not make. */
    private ManagedChannel channel(long id) {
        return channels.computeIfAbsent(id, k -> NettyChannelBuilder.forTarget("127.0.0.1:"
                + cluster.servers.get(k).port()).usePlaintext().build());
    }

    private static WatchEvent take(LinkedBlockingQueue<WatchEvent> q) throws InterruptedException {
        WatchEvent e = q.poll(Waits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(e).as("a watch event within " + Waits.TIMEOUT).isNotNull();
        return e;
    }
}
