package io.katd.kv.mvcc;

import io.katd.proto.etcd.mvccpb.KeyValue;
import java.io.IOException;

/** Loads the key-value written at a revision that the key index names as live. */
@FunctionalInterface
interface KeyValueReader {
    KeyValue read(Revision revision) throws IOException;
}
