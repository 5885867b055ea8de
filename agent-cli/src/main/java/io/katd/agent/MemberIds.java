package io.katd.agent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Member and cluster ids, derived deterministically so that every founding member
 * computes the same ids without talking to the others: a member's id from its name and
 * the cluster token, a cluster's id from the token and the sorted initial cluster (or from
 * the cluster UID that {@code katd init} generates). Ids are positive and never 0, as the
 * Raft runtime and the transport require.
 */
final class MemberIds {
    private MemberIds() {}

    static long memberId(String name, String token) {
        return hash("member\0" + token + "\0" + name);
    }

    static long clusterId(String token, Map<String, Endpoint> initialCluster) {
        StringBuilder b = new StringBuilder("cluster\0").append(token);
        new TreeMap<>(initialCluster).forEach((n, u) -> b.append('\0').append(n).append('=')
                .append(u));
        return hash(b.toString());
    }

    static long clusterIdOfUid(String clusterUid) {
        return hash("cluster-uid\0" + clusterUid);
    }

    /** The 16-digit hexadecimal form used in logs, files and on the wire. */
    static String hex(long id) {
        return String.format("%016x", id);
    }

    /**
     * Parses an id typed by a user: non-zero hexadecimal, as etcdctl prints member and
     * lease ids.
     *
     * @throws ConfigException naming {@code what} and the {@code kind} of id expected
     */
    static long parseUserId(String text, String what, String kind) {
        try {
            long id = Long.parseUnsignedLong(text, 16);
            if (id != 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(what + ": " + Cidrs.quote(text) + " is not a " + kind
                + " id (non-zero hexadecimal, e.g. 694d77aa9e38260f)");
    }

    static long parseHex(String text) {
        return Long.parseUnsignedLong(text, 16);
    }

    private static long hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            long id = ByteBuffer.wrap(d).getLong() & Long.MAX_VALUE;
            return id == 0 ? 1 : id;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JVM has SHA-256", e);
        }
    }
}
