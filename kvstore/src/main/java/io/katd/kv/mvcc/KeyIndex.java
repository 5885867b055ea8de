package io.katd.kv.mvcc;

import com.google.protobuf.ByteString;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The in-memory index from user key to its {@link KeyHistory}, in unsigned byte order. It is
 * rebuilt from the backend's revision records at open, like etcd's treeIndex, so the backend
 * needs no second copy of it.
 */
final class KeyIndex {

    // Invariant: no history is empty; a key whose history empties is removed.
    private final NavigableMap<ByteString, KeyHistory> histories = new TreeMap<>(KeyRange.ORDER);

    KeyHistory get(ByteString key) {
        return histories.get(key);
    }

    KeyHistory getOrCreate(ByteString key) {
        return histories.computeIfAbsent(key, k -> new KeyHistory());
    }

    /** The histories of the keys in {@code range}, in key order; a live view. */
    NavigableMap<ByteString, KeyHistory> slice(KeyRange range) {
        return range.slice(histories);
    }

    /** Every history, in key order; a live view. */
    NavigableMap<ByteString, KeyHistory> all() {
        return histories;
    }

    void removeIfEmpty(ByteString key) {
        KeyHistory history = histories.get(key);
        if (history != null && history.isEmpty()) {
            histories.remove(key);
        }
    }

    int keyCount() {
        return histories.size();
    }
}
