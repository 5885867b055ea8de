package io.katd.jepsen.process;

import io.katd.proto.transport.Frame;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongFunction;

/**
 * Names the member that opened a proxied connection, from the connection's first bytes;
 * every byte it reads goes to {@code consumed}, so the proxy can forward it.
 */
@FunctionalInterface
interface SenderOf {
  /** The largest first frame read; a peer's Hello is far smaller. */
  int HELLO_BYTES_MAX = 64 * 1024;

  String identify(InputStream in, ByteArrayOutputStream consumed) throws IOException;

  /** Every connection comes from {@code name}; reads nothing. */
  static SenderOf fixed(String name) {
    return (in, consumed) -> name;
  }

  /**
   * raft-transport's framing: a 4-byte big-endian length, then a {@link Frame} whose Hello
   * names the sender's member id, which {@code names} turns into a member name (null when
   * the id is not known yet: the connection is then attributed to "?", a link no fault
   * names).
   */
  static SenderOf hello(LongFunction<String> names) {
    return (in, consumed) -> {
      DataInputStream data = new DataInputStream(in);
      int length;
      try {
        length = data.readInt();
      } catch (EOFException e) {
        throw new IOException("closed before its first frame", e);
      }
      if (length < 0 || length > HELLO_BYTES_MAX) {
        throw new IOException("first frame of " + length + " bytes is not a Hello");
      }
      byte[] frame = new byte[length];
      data.readFully(frame);
      consumed.write(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16),
          (byte) (length >>> 8), (byte) length});
      consumed.write(frame);
      Frame f = Frame.parseFrom(frame);
      if (!f.hasHello()) {
        throw new IOException("first frame is " + f.getBodyCase() + ", not a Hello");
      }
      String name = names.apply(f.getHello().getSenderId());
      return name == null ? "?" : name;
    };
  }
}
