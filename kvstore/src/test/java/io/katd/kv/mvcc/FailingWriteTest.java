package io.katd.kv.mvcc;

import static io.katd.kv.mvcc.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailingWriteTest {

    /** An in-memory backend whose writes fail once told to, like a full disk. */
    private static final class FailingBackend implements Backend {
        final InMemoryBackend delegate = new InMemoryBackend();
        boolean failWrites;

        @Override
        public byte[] get(byte[] key) {
            return delegate.get(key);
        }

        @Override
        public void scan(byte[] from, byte[] to, EntryVisitor visitor) throws IOException {
            delegate.scan(from, to, visitor);
        }

        @Override
        public void write(BackendBatch batch) throws IOException {
            if (failWrites) {
                throw new IOException("disk full");
            }
            delegate.write(batch);
        }

        @Override
        public void checkpoint(Path dir) throws IOException {
            delegate.checkpoint(dir);
        }

        @Override
        public void restore(Path dir) throws IOException {
            delegate.restore(dir);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    @Test
    void aFailedWriteChangesNothingAndStopsTheStore() throws Exception {
        FailingBackend backend = new FailingBackend();
        MvccStore store = MvccStore.open(backend);
        store.put(1, PutRequest.of(b("a"), b("1")));

        backend.failWrites = true;
        TxnRequest txn = new TxnRequest(List.of(), List.of(
                PutRequest.of(b("a"), b("2")), PutRequest.of(b("new"), b("x"))), List.of());
        assertThatThrownBy(() -> store.txn(2, txn)).isInstanceOf(IOException.class)
                .hasMessage("disk full");

        // Fail-stop: no retry, no reads of a state that the disk may not hold.
        assertThatIllegalStateException().isThrownBy(() -> store.put(3, PutRequest.of(b("a"),
                b("3"))));
        assertThatIllegalStateException().isThrownBy(store::currentRevision);

        // The key index was rolled back: a fresh store on the same data agrees with the disk.
        backend.failWrites = false;
        MvccStore reopened = MvccStore.open(backend);
        assertThat(reopened.currentRevision()).isEqualTo(2);
        assertThat(reopened.appliedIndex()).isEqualTo(1);
        assertThat(reopened.range(RangeRequest.prefix(b(""))).kvs())
                .extracting(kv -> kv.getValue().toStringUtf8()).containsExactly("1");
    }

    @Test
    void rolledBackIndexMatchesTheBackend() throws Exception {
        FailingBackend backend = new FailingBackend();
        MvccStore store = MvccStore.open(backend);
        store.put(1, PutRequest.of(b("a"), b("1")));
        KeyIndex index = new KeyIndex();
        index.getOrCreate(b("a")).append(new Revision(2, 0), false);

        WriteTxn txn = new WriteTxn(index, backend, 2, 0);
        txn.put(PutRequest.of(b("a"), b("2")));
        txn.deleteRange(DeleteRangeRequest.single(b("a")));
        txn.put(PutRequest.of(b("b"), b("1")));
        txn.rollback();
        assertThat(index.keyCount()).isEqualTo(1);
        assertThat(index.get(b("a")).entries())
                .containsExactly(new KeyHistory.Entry(new Revision(2, 0), false));
    }
}
