package io.katd.kv.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RocksDbBackendTest extends BackendContractTest {

    @Override
    Backend open(Path dir) throws IOException {
        return RocksDbBackend.open(dir);
    }

    @Test
    void dataSurvivesReopening() throws IOException {
        backend.write(new BackendBatch().put(s("a"), s("1")));
        backend.close();
        backend = open(temp.resolve("backend"));
        assertThat(backend.get(s("a"))).isEqualTo(s("1"));
    }

    @Test
    void restoreSwitchesGenerationsAndReopenKeepsTheRestoredOne() throws IOException {
        backend.write(new BackendBatch().put(s("a"), s("1")));
        Path checkpoint = temp.resolve("checkpoint");
        backend.checkpoint(checkpoint);
        backend.write(new BackendBatch().put(s("a"), s("2")));
        backend.restore(checkpoint);
        backend.close();

        Path root = temp.resolve("backend");
        assertThat(Files.readString(root.resolve(RocksDbBackend.ACTIVE_FILE)).trim())
                .isEqualTo(RocksDbBackend.generationName(2));
        try (Stream<Path> children = Files.list(root)) {
            assertThat(children.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(RocksDbBackend.ACTIVE_FILE,
                            RocksDbBackend.generationName(2));
        }
        backend = open(root);
        assertThat(backend.get(s("a"))).isEqualTo(s("1"));
    }

    @Test
    void openRemovesGenerationsLeftByAnInterruptedRestore() throws IOException {
        backend.close();
        Path root = temp.resolve("backend");
        Path stale = root.resolve(RocksDbBackend.generationName(7));
        Files.createDirectories(stale.resolve("nested"));
        Files.writeString(stale.resolve("nested").resolve("file"), "partial copy");
        backend = open(root);
        assertThat(stale).doesNotExist();
    }
}
