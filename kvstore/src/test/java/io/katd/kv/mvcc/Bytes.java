package io.katd.kv.mvcc;

import com.google.protobuf.ByteString;

/** Short names for test keys and values. */
final class Bytes {

    private Bytes() {
    }

    static ByteString b(String utf8) {
        return ByteString.copyFromUtf8(utf8);
    }

    static ByteString b(int... unsignedBytes) {
        byte[] bytes = new byte[unsignedBytes.length];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) unsignedBytes[i];
        }
        return ByteString.copyFrom(bytes);
    }
}
