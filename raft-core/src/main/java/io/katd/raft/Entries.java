package io.katd.raft;

import io.katd.proto.raft.Entry;
import java.util.List;

/** Sizes of entries, and the size limit shared by storage reads and messages. */
public final class Entries {
    private Entries() {}

    /**
     * The longest prefix of {@code entries} whose total serialized size stays within
     * {@code maxSizeBytes}, but always at least one entry, so that progress is possible
     * with an entry larger than the limit.
     */
    public static List<Entry> limitSize(List<Entry> entries, long maxSizeBytes) {
        if (entries.isEmpty()) {
            return List.of();
        }
        long size = entries.get(0).getSerializedSize();
        int limit = 1;
        while (limit < entries.size()) {
            size += entries.get(limit).getSerializedSize();
            if (size > maxSizeBytes) {
                break;
            }
            limit++;
        }
        return List.copyOf(entries.subList(0, limit));
    }

    /** The payload bytes of entries, which the uncommitted and inflight limits count. */
    public static long payloadSize(List<Entry> entries) {
        long size = 0;
        for (Entry e : entries) {
            size += e.getData().size();
        }
        return size;
    }
}
