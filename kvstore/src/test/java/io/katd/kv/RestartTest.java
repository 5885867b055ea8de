package io.katd.kv;

import static io.katd.kv.KvCluster.b;
import static io.katd.kv.Waits.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.katd.kv.mvcc.RocksDbBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartTest {
    @TempDir
    Path dir;

    @Test
    void aRocksDbNodeResumesAtItsAppliedIndexWithItsLeases() {
        try (KvCluster c = new KvCluster(31, dir, id -> {
            try {
                return RocksDbBackend.open(dir.resolve("kv-" + id));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        })) {
            c.startAll();
            c.elect(1);
            long lease = get(c.store(1).grantLease(Duration.ofSeconds(60)));
            get(c.store(1).put(b("/r/1"), b("a"), lease));
            get(c.store(1).put(b("/r/2"), b("b")));
            Waits.until("node 3 applied everything", () -> get(c.store(3).get(b("/r/2"),
                    ReadConsistency.SERIALIZABLE)).isPresent());
            long applied = c.machine(3).appliedIndex();
            long revision = c.machine(3).currentRevision();
            c.crash(3);

            c.start(3);
            // Resumed from its own store: nothing re-applied (a re-applied put would have
            // moved the revision; the store refuses indexes at or below its applied one).
            assertThat(c.machine(3).appliedIndex()).isGreaterThanOrEqualTo(applied);
            assertThat(c.machine(3).currentRevision()).isEqualTo(revision);
            assertThat(c.machine(3).lease(lease).orElseThrow().keys())
                    .containsExactly(b("/r/1"));
            // A restarted follower learns the leader from its next heartbeat; until then it
            // drops proposals (StoreUnavailableException), which a client would retry.
            c.awaitLeader(1, KvCluster.IDS);
            get(c.store(3).revokeLease(lease));
            assertThat(get(c.store(3).list(b("/r/")))).extracting(KV::key)
                    .containsExactly(b("/r/2"));
        }
    }
}
