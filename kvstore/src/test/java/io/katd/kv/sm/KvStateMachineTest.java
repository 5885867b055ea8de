package io.katd.kv.sm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.katd.kv.mvcc.InMemoryBackend;
import io.katd.kv.mvcc.MvccStore;
import io.katd.kv.mvcc.RangeRequest;
import io.katd.kv.watch.WatchConfig;
import io.katd.proto.etcd.etcdserverpb.LeaseGrantRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseRevokeRequest;
import io.katd.proto.etcd.etcdserverpb.PutRequest;
import io.katd.proto.kv.KvCommand;
import io.katd.proto.kv.KvResult;
import io.katd.proto.kv.Rejection;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvStateMachineTest {
    @TempDir
    Path dir;

    private KvStateMachine machine() throws IOException {
        return new KvStateMachine(1, MvccStore.open(new InMemoryBackend()), dir, () -> 0L,
                WatchConfig.defaults(), Runnable::run);
    }

    private static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static ByteString put(String key, long lease, long fence) {
        return KvCommand.newBuilder().setFenceTerm(fence).setPut(PutRequest.newBuilder()
                .setKey(b(key)).setValue(b("v")).setLease(lease)).build().toByteString();
    }

    @Test
    void aFencedCommandFromAnotherTermIsRejectedButCountsAsApplied() throws IOException {
        try (KvCommandsFixture f = new KvCommandsFixture(machine())) {
            KvResult r = f.sm.apply(1, 5, put("/k", 0, 4));
            assertThat(r.getRejected().getReason()).isEqualTo(Rejection.Reason.FENCED);
            assertThat(r.getRejected().getRevisionOrTerm()).isEqualTo(5);
            assertThat(f.sm.appliedIndex()).isEqualTo(1);
            assertThat(f.sm.currentRevision()).isEqualTo(MvccStore.INITIAL_REVISION);
            assertThat(f.sm.apply(2, 5, put("/k", 0, 5)).hasPut()).isTrue();
            assertThat(f.sm.apply(3, 6, put("/k", 0, 0)).hasPut()).isTrue();
        }
    }

    @Test
    void theCanaryAcceptsAFencedCommandFromAnotherTerm() throws IOException {
        try (KvCommandsFixture f = new KvCommandsFixture(machine())) {
            Canaries.acceptFencedWritesFromAnyTerm(f.sm);
            assertThat(f.sm.apply(1, 5, put("/k", 0, 4)).hasPut()).isTrue();
        }
    }

    @Test
    void revokingALeaseDeletesItsKeysInOneRevisionAndSurvivesASnapshot() throws IOException {
        try (KvCommandsFixture f = new KvCommandsFixture(machine());
                KvCommandsFixture g = new KvCommandsFixture(machine())) {
            KvResult grant = f.sm.apply(1, 1, KvCommand.newBuilder().setLeaseGrant(
                    LeaseGrantRequest.newBuilder().setTTL(10)).build().toByteString());
            long lease = grant.getLeaseGrant().getID();
            assertThat(f.sm.apply(2, 1, put("/a", lease, 0)).hasPut()).isTrue();
            assertThat(f.sm.apply(3, 1, put("/b", lease, 0)).hasPut()).isTrue();
            assertThat(f.sm.apply(4, 1, put("/c", 77, 0)).getRejected().getReason())
                    .isEqualTo(Rejection.Reason.LEASE_NOT_FOUND);
            f.sm.markApplied(4);

            g.sm.restore(4, f.sm.snapshot());
            assertThat(g.sm.lease(lease).orElseThrow().keys()).containsExactly(b("/a"), b("/b"));
            long before = g.sm.currentRevision();
            KvResult revoke = g.sm.apply(5, 1, KvCommand.newBuilder().setLeaseRevoke(
                    LeaseRevokeRequest.newBuilder().setID(lease)).build().toByteString());
            assertThat(revoke.hasLeaseRevoke()).isTrue();
            assertThat(g.sm.currentRevision()).isEqualTo(before + 1);
            assertThat(g.sm.range(RangeRequest.prefix(b("/"))).kvs()).isEmpty();
            assertThat(g.sm.lease(lease)).isEmpty();
        }
    }

    /** Closes the state machine after a test. */
    private record KvCommandsFixture(KvStateMachine sm) implements AutoCloseable {
        @Override
        public void close() {
            sm.close();
        }
    }
}
