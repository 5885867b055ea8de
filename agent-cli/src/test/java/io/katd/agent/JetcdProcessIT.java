package io.katd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jetcd against three katd processes; one cluster per class. The leader-kill test restarts
 * the member it kills, so the cluster is whole again for the other tests.
 */
class JetcdProcessIT {
    private static final long TIMEOUT_SECONDS = 15;

    @TempDir
    static Path tmp;

    static KatdProcesses cluster;
    static Client client;

    @BeforeAll
    static void startCluster() {
        cluster = new KatdProcesses(tmp, "it-jetcd", "n1", "n2", "n3");
        cluster.startAll();
        cluster.awaitLeader(cluster.names(), 0, Duration.ofSeconds(60));
        client = Client.builder().endpoints(cluster.names().stream()
                .map(n -> URI.create(cluster.spec(n).clientUrl())).toList()).build();
    }

    @AfterAll
    static void stopCluster() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static ByteSequence b(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static String s(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void putGetDeleteByPrefixAndTxn() throws Exception {
        get(client.getKVClient().put(b("/j/a"), b("1")));
        get(client.getKVClient().put(b("/j/b"), b("2")));
        var all = get(client.getKVClient().get(b("/j/"), GetOption.builder().isPrefix(true)
                .build()));
        assertThat(all.getKvs()).extracting(kv -> s(kv.getKey()) + "=" + s(kv.getValue()))
                .containsExactly("/j/a=1", "/j/b=2");
        TxnResponse txn = get(client.getKVClient().txn()
                .If(new Cmp(b("/j/a"), Cmp.Op.EQUAL, CmpTarget.value(b("1"))))
                .Then(Op.put(b("/j/a"), b("one"), PutOption.DEFAULT))
                .Else(Op.get(b("/j/a"), GetOption.DEFAULT)).commit());
        assertThat(txn.isSucceeded()).isTrue();
        assertThat(get(client.getKVClient().delete(b("/j/"), DeleteOption.builder()
                .isPrefix(true).build())).getDeleted()).isEqualTo(2);
        assertThat(get(client.getKVClient().get(b("/j/"), GetOption.builder().isPrefix(true)
                .build())).getKvs()).isEmpty();
    }

    @Test
    void leaseKeepAliveAndExpiry() throws Exception {
        long id = get(client.getLeaseClient().grant(2)).getID();
        get(client.getKVClient().put(b("/jl/k"), b("v"), PutOption.builder().withLeaseId(id)
                .build()));
        assertThat(get(client.getLeaseClient().keepAliveOnce(id)).getTTL()).isEqualTo(2);
        cluster.await("the key of the expired lease is gone", Duration.ofSeconds(20), () -> {
            try {
                return get(client.getKVClient().get(b("/jl/k"))).getKvs().isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void memberListAddRemoveStatusAndSnapshot() throws Exception {
        List<Member> members = get(client.getClusterClient().listMember()).getMembers();
        assertThat(members).extracting(Member::getName).containsExactlyInAnyOrderElementsOf(
                cluster.names());
        URI peer = URI.create("http://127.0.0.1:" + Ports.free());
        var added = get(client.getClusterClient().addMember(List.of(peer), true));
        long id = added.getMember().getId();
        assertThat(get(client.getClusterClient().listMember()).getMembers())
                .anyMatch(m -> m.getId() == id && m.isLearner());
        get(client.getClusterClient().removeMember(id));
        assertThat(get(client.getClusterClient().listMember()).getMembers())
                .noneMatch(m -> m.getId() == id);

        var status = get(client.getMaintenanceClient().statusMember(
                cluster.spec("n1").clientUrl()));
        assertThat(status.getLeader()).isNotZero();
        assertThat(status.getVersion()).startsWith("3.4");
        ByteArrayOutputStream snap = new ByteArrayOutputStream();
        long size = get(client.getMaintenanceClient().snapshot(snap));
        byte[] bytes = snap.toByteArray();
        assertThat(size).isEqualTo(bytes.length).isGreaterThan(32);
        assertThat(MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(bytes,
                bytes.length - 32))).isEqualTo(Arrays.copyOfRange(bytes, bytes.length - 32,
                bytes.length));
    }

    @Test
    void aWatchCarriesOnAcrossALeaderKill() throws Exception {
        long leader = cluster.awaitLeader(cluster.names(), 0, Duration.ofSeconds(30));
        String old = cluster.nameOf(leader);
        List<String> survivors = cluster.names().stream().filter(n -> !n.equals(old)).toList();
        // The watcher talks to a member that survives; the writer to every member.
        try (Client watching = Client.builder().endpoints(URI.create(cluster.spec(
                survivors.get(0)).clientUrl())).build()) {
            long start = get(client.getKVClient().put(b("/jw/0"), b("0"))).getHeader()
                    .getRevision();
            LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
            Watch.Watcher w = watching.getWatchClient().watch(b("/jw/"), WatchOption.builder()
                    .isPrefix(true).withRevision(start).build(),
                    Watch.listener(r -> events.addAll(r.getEvents())));
            try {
                assertThat(s(take(events).getKeyValue().getKey())).isEqualTo("/jw/0");
                cluster.kill(old);
                cluster.awaitLeader(survivors, leader, Duration.ofSeconds(10));
                for (int i = 1; i <= 3; i++) {
                    putRetrying("/jw/" + i, Integer.toString(i));
                }
                // A retried put may apply twice; the watch must still be ordered, with no
                // event re-sent or skipped when it moves to another member.
                List<String> keys = new ArrayList<>();
                long revision = start;
                while (!keys.contains("/jw/3")) {
                    WatchEvent e = take(events);
                    assertThat(e.getKeyValue().getModRevision()).as("revision after "
                            + keys).isGreaterThan(revision);
                    revision = e.getKeyValue().getModRevision();
                    String key = s(e.getKeyValue().getKey());
                    if (keys.isEmpty() || !keys.get(keys.size() - 1).equals(key)) {
                        keys.add(key);
                    }
                }
                assertThat(keys).containsExactly("/jw/1", "/jw/2", "/jw/3");
            } finally {
                w.close();
                cluster.start(old);
                cluster.awaitLeader(cluster.names(), 0, Duration.ofSeconds(30));
            }
        }
    }

    /** A put through the shared client, retried while the cluster elects a new leader. */
    private static void putRetrying(String key, String value) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                get(client.getKVClient().put(b(key), b(value)));
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    private static WatchEvent take(LinkedBlockingQueue<WatchEvent> events) throws Exception {
        WatchEvent e = events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(e).as("a watch event within " + TIMEOUT_SECONDS + " s").isNotNull();
        return e;
    }
}
