package io.katd.kv.sm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.katd.kv.mvcc.InMemoryBackend;
import io.katd.kv.mvcc.MvccStore;
import io.katd.kv.watch.WatchConfig;
import io.katd.kv.watch.WatchRequest;
import io.katd.kv.watch.WatchResponse;
import io.katd.proto.etcd.etcdserverpb.PutRequest;
import io.katd.proto.kv.KvCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The constructor for callers that own the apply thread: hub tasks wait in their queue. */
class CallerThreadStateMachineTest {
    @TempDir
    Path dir;

    @Test
    void watchTasksRunOnlyWhenTheCallerDrainsItsQueue() throws IOException {
        ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        List<WatchResponse> seen = new ArrayList<>();
        try (KvStateMachine sm = new KvStateMachine(1, MvccStore.open(new InMemoryBackend()),
                dir, () -> 0L, WatchConfig.defaults(), tasks::add, Runnable::run)) {
            sm.watchHub().watch(WatchRequest.key(ByteString.copyFromUtf8("/k")), seen::add);
            assertThat(seen).isEmpty();
            assertThat(tasks).hasSize(1);
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
            sm.apply(1, 1, KvCommand.newBuilder().setPut(PutRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8("/k"))
                    .setValue(ByteString.copyFromUtf8("v"))).build().toByteString());
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
            assertThat(seen).extracting(WatchResponse::kind).containsExactly(
                    WatchResponse.Kind.CREATED, WatchResponse.Kind.EVENTS);
            assertThat(seen.get(1).revision()).isEqualTo(2);
        }
    }
}
