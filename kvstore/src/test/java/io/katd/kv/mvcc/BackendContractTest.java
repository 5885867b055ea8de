package io.katd.kv.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the MVCC store relies on from every {@link Backend}. */
abstract class BackendContractTest {

    @TempDir
    Path temp;

    Backend backend;

    abstract Backend open(Path dir) throws IOException;

    @BeforeEach
    void openBackend() throws IOException {
        backend = open(temp.resolve("backend"));
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    static byte[] bytes(int... unsigned) {
        byte[] out = new byte[unsigned.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) unsigned[i];
        }
        return out;
    }

    static byte[] s(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> scanAll(byte[] from, byte[] to) throws IOException {
        List<String> seen = new ArrayList<>();
        backend.scan(from, to, (k, v) -> {
            seen.add(new String(k, StandardCharsets.ISO_8859_1) + "="
                    + new String(v, StandardCharsets.UTF_8));
            return true;
        });
        return seen;
    }

    @Test
    void batchesApplyInOrderAndGetSeesThem() throws IOException {
        backend.write(new BackendBatch().put(s("k"), s("1")).put(s("k"), s("2"))
                .put(s("gone"), s("x")).delete(s("gone")));
        assertThat(backend.get(s("k"))).isEqualTo(s("2"));
        assertThat(backend.get(s("gone"))).isNull();
    }

    @Test
    void scansAreOrderedByUnsignedBytesAndBounded() throws IOException {
        backend.write(new BackendBatch()
                .put(bytes(0xff), s("ff")).put(bytes(0x01), s("01"))
                .put(bytes(0x80, 0x00), s("8000")).put(bytes(0x7f), s("7f")));
        assertThat(scanAll(bytes(0x00), null)).containsExactly(
                "\u0001=01", "\u007f=7f", "\u0080\u0000=8000", "\u00ff=ff");
        assertThat(scanAll(bytes(0x7f), bytes(0xff))).containsExactly(
                "\u007f=7f", "\u0080\u0000=8000");
        assertThat(scanAll(bytes(0xff), bytes(0x7f))).isEmpty();
    }

    @Test
    void scanStopsWhenTheVisitorSaysSo() throws IOException {
        backend.write(new BackendBatch().put(s("a"), s("1")).put(s("b"), s("2")));
        List<String> seen = new ArrayList<>();
        backend.scan(s("a"), null, (k, v) -> {
            seen.add(new String(k, StandardCharsets.UTF_8));
            return false;
        });
        assertThat(seen).containsExactly("a");
    }

    @Test
    void checkpointAndRestoreRoundTrip() throws IOException {
        backend.write(new BackendBatch().put(s("a"), s("1")).put(s("b"), s("2")));
        Path checkpoint = temp.resolve("checkpoint");
        backend.checkpoint(checkpoint);
        backend.write(new BackendBatch().put(s("a"), s("changed")).delete(s("b"))
                .put(s("c"), s("3")));

        backend.restore(checkpoint);
        assertThat(scanAll(s(""), null)).containsExactly("a=1", "b=2");
        // The checkpoint is read, not consumed: it restores again.
        backend.write(new BackendBatch().put(s("d"), s("4")));
        backend.restore(checkpoint);
        assertThat(scanAll(s(""), null)).containsExactly("a=1", "b=2");
    }

    @Test
    void checkpointRefusesAnExistingDirectory() throws IOException {
        Path checkpoint = temp.resolve("checkpoint");
        backend.checkpoint(checkpoint);
        assertThatThrownBy(() -> backend.checkpoint(checkpoint)).isInstanceOf(IOException.class);
    }

    @Test
    void restoreOfSomethingElseFailsAndKeepsTheContents() throws IOException {
        backend.write(new BackendBatch().put(s("a"), s("1")));
        Path bogus = temp.resolve("bogus");
        java.nio.file.Files.createDirectory(bogus);
        assertThatThrownBy(() -> backend.restore(bogus)).isInstanceOf(IOException.class);
        assertThat(backend.get(s("a"))).isEqualTo(s("1"));
    }

    @Test
    void closedBackendsRefuseWork() {
        backend.close();
        backend.close();
        assertThatIllegalStateException().isThrownBy(() -> backend.get(s("a")));
    }
}
