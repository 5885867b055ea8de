package io.katd.kv.mvcc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InMemoryBackendTest extends BackendContractTest {

    @Override
    Backend open(Path dir) {
        return new InMemoryBackend();
    }

    @Test
    void corruptCheckpointsAreDetected() throws IOException {
        backend.write(new BackendBatch().put(s("a"), s("1")));
        Path checkpoint = temp.resolve("checkpoint");
        backend.checkpoint(checkpoint);
        Path file = checkpoint.resolve(InMemoryBackend.CHECKPOINT_FILE);
        byte[] bytes = Files.readAllBytes(file);
        bytes[12] ^= 0x01;
        Files.write(file, bytes);
        assertThatThrownBy(() -> backend.restore(checkpoint))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("checksum");
    }
}
