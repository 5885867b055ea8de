package io.katd.kv.mvcc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.proto.etcd.mvccpb.Event;
import io.katd.proto.etcd.mvccpb.KeyValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The byte layout of the MVCC store inside its {@link Backend}; see package-info.java for the
 * description. All integers are big-endian so that unsigned byte order equals numeric order.
 */
final class Layout {

    static final byte META_PREFIX = 'm';
    static final byte REVISION_PREFIX = 'r';
    static final int REVISION_KEY_BYTES = 1 + Long.BYTES + Long.BYTES;

    /** Bumped when the layout changes incompatibly; open() refuses any other value. */
    static final long FORMAT_VERSION = 1;

    static final byte[] FORMAT_KEY = metaKey("format");
    static final byte[] CURRENT_REVISION_KEY = metaKey("currentRevision");
    static final byte[] COMPACT_REVISION_KEY = metaKey("compactRevision");
    static final byte[] APPLIED_INDEX_KEY = metaKey("appliedIndex");
    static final byte[] ATTACHMENT_KEY = metaKey("attachment");

    /** Inclusive lower and exclusive upper bound of the whole revision keyspace. */
    static final byte[] REVISIONS_START = {REVISION_PREFIX};
    static final byte[] REVISIONS_END = {REVISION_PREFIX + 1};

    private Layout() {
    }

    private static byte[] metaKey(String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(1 + nameBytes.length).put(META_PREFIX).put(nameBytes).array();
    }

    static byte[] revisionKey(Revision revision) {
        return revisionKey(revision.main(), revision.sub());
    }

    /** The first possible key of main revision {@code main}; usable as a scan bound. */
    static byte[] firstKeyOfRevision(long main) {
        return revisionKey(main, 0);
    }

    private static byte[] revisionKey(long main, long sub) {
        return ByteBuffer.allocate(REVISION_KEY_BYTES)
                .put(REVISION_PREFIX)
                .putLong(main)
                .putLong(sub)
                .array();
    }

    static Revision decodeRevisionKey(byte[] key) throws IOException {
        if (key.length != REVISION_KEY_BYTES || key[0] != REVISION_PREFIX) {
            throw new IOException("corrupt MVCC backend: not a revision key, "
                    + key.length + " bytes starting with " + (key.length > 0 ? key[0] : -1));
        }
        ByteBuffer buffer = ByteBuffer.wrap(key, 1, Long.BYTES * 2);
        long main = buffer.getLong();
        long sub = buffer.getLong();
        if (main < 1 || sub < 0) {
            throw new IOException("corrupt MVCC backend: revision key " + main + "." + sub);
        }
        return new Revision(main, sub);
    }

    static byte[] encodeLong(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    static long decodeLong(byte[] bytes, String what) throws IOException {
        if (bytes == null || bytes.length != Long.BYTES) {
            throw new IOException("corrupt MVCC backend: " + what + " is "
                    + (bytes == null ? "missing" : bytes.length + " bytes, expected 8"));
        }
        return ByteBuffer.wrap(bytes).getLong();
    }

    static Event decodeEvent(Revision revision, byte[] bytes) throws IOException {
        if (bytes == null) {
            throw new IOException("corrupt MVCC backend: no record at revision " + revision);
        }
        Event event;
        try {
            event = Event.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("corrupt MVCC backend: record at revision " + revision, e);
        }
        // Paired with the writes in WriteTxn: every record names its key and its own revision.
        if (event.getKv().getKey().isEmpty() || event.getKv().getModRevision() != revision.main()) {
            throw new IOException("corrupt MVCC backend: record at revision " + revision
                    + " has key size " + event.getKv().getKey().size()
                    + " and mod revision " + event.getKv().getModRevision());
        }
        return event;
    }

    /** Reads the key-value written at a revision that the key index says is a live value. */
    static KeyValue readKeyValue(Backend backend, Revision revision) throws IOException {
        Event event = decodeEvent(revision, backend.get(revisionKey(revision)));
        if (event.getType() != Event.EventType.PUT) {
            throw new IOException("corrupt MVCC backend: expected a PUT at revision " + revision
                    + ", found " + event.getType());
        }
        return event.getKv();
    }
}
