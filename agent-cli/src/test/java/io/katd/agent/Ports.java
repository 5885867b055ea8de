package io.katd.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Loopback ports free at the time of the call, never the same one twice in one test JVM:
 * the kernel may hand a just-released port out again, and two members of one cluster given
 * the same port fail to bind.
 */
final class Ports {
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {}

    static synchronized int free() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no port not handed out before after 100 attempts");
    }
}
