package io.katd.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.FlushOptions;

class RocksHandlesTest {
    @TempDir
    Path dir;

    private List<String> fileNames() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void flushesUseDirectIoWhereTheFileSystemAllowsItAndWhatTheyWriteReadsBack()
            throws Exception {
        boolean supported = RocksHandles.supportsDirectIo(dir);
        byte[] key = "key".getBytes(StandardCharsets.UTF_8);
        byte[] value = "flushed".getBytes(StandardCharsets.UTF_8);
        try (RocksHandles h = RocksHandles.open(dir);
                FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
            assertThat(h.directFlushes()).isEqualTo(supported);
            h.db.put(h.entries, key, value);
            h.db.flush(wait, h.entries);
        }
        assertThat(fileNames()).anyMatch(n -> n.endsWith(".sst"))
                .noneMatch(n -> n.contains("direct-io-probe"));
        try (RocksHandles h = RocksHandles.open(dir)) {
            assertThat(h.db.get(h.entries, key)).isEqualTo(value);
        }
    }
}
